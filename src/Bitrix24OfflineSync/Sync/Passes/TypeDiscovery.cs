using System.Globalization;
using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Bitrix.Batch;
using Bitrix24OfflineSync.Sync.Resolution;

namespace Bitrix24OfflineSync.Sync.Passes;

/// <summary>
/// Finds a portal's smart-process types: <c>crm.type.list</c> (pages of 50) and, as that list leaves out the new
/// invoices, whether <c>crm.item.list</c> of type 31 answers; in one batch request (a second only past 50 types).
/// The pass over <see cref="Entity"/> runs it: at install, then with each drift check.
/// </summary>
internal sealed class TypeDiscovery(BitrixBatch batch, ISmartProcessTypeStore store, TimeProvider time, ILogger<TypeDiscovery> logger)
{
    /// <summary>The pass entity of the types' discovery.</summary>
    public const string Entity = "crm.type";

    private const string Invoices = "invoices";

    /// <summary>Discovers and stores the types; the pass as done, or unchanged when the portal could not say (logged, or paused).</summary>
    public async Task<Discovered> RunAsync(EntityPass pass)
    {
        var memberId = pass.MemberId;
        var first = await batch.RunAsync(
            memberId,
            [
                Page(0),
                new BatchCommand(Invoices, "crm.item.list", new JsonObject
                {
                    ["entityTypeId"] = SmartProcesses.InvoiceTypeId,
                    ["select"] = new JsonArray("id"),
                    ["start"] = -1,
                }),
            ],
            CancellationToken.None).ConfigureAwait(false);
        var pages = new List<BatchCommandResult> { first[0] };
        if (first[0].Succeeded && first[0].Total is { } total && total > EntityFetch.PageSize)
        {
            var rest = Enumerable.Range(1, Math.Min((total - 1) / EntityFetch.PageSize, BitrixBatch.MaxCommands)).Select(i => Page(i * EntityFetch.PageSize)).ToList();
            pages.AddRange(await batch.RunAsync(memberId, rest, CancellationToken.None).ConfigureAwait(false));
        }

        var invoices = first[1];
        if (pages.Concat([invoices]).Max(r => r.PausedUntil) is { } until)
        {
            return new Discovered(pass, until);
        }

        // No invoices is an answer (NOT_FOUND "Smart process not found"); any other error is not.
        var failed = pages.FirstOrDefault(r => !r.Succeeded) ?? (invoices.Error is { IsNotFound: false } ? invoices : null);
        if (failed is not null)
        {
            PassLog.ReadFailed(logger, memberId, pass.Kind, pass.Entity, 0, failed.Error!.ToString());
            return new Discovered(pass);
        }

        var found = pages
            .SelectMany(r => FetchAnswers.Rows(r.Result, "types")?.OfType<JsonObject>() ?? [])
            .Select(Type)
            .OfType<SmartProcessType>()
            .ToList();
        if (invoices.Succeeded && found.All(t => t.EntityTypeId != SmartProcesses.InvoiceTypeId))
        {
            found.Add(new SmartProcessType(SmartProcesses.InvoiceTypeId, "Invoices"));
        }

        await store.SaveDiscoveryAsync(memberId, found, time.GetUtcNow(), CancellationToken.None).ConfigureAwait(false);
        return new Discovered(pass with { Cursor = found.Count, MaxId = found.Count, ObjectsRead = found.Count });
    }

    private static BatchCommand Page(int start) => new(
        "types" + start.ToString(CultureInfo.InvariantCulture),
        "crm.type.list",
        new JsonObject { ["order"] = new JsonObject { ["id"] = "ASC" }, ["start"] = start });

    private static SmartProcessType? Type(JsonObject row) =>
        long.TryParse(row["entityTypeId"]?.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0
            ? new SmartProcessType(id, row["title"]?.ToString() ?? "")
            : null;
}
