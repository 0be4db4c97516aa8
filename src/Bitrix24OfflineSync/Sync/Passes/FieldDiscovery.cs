using System.Globalization;
using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Bitrix.Batch;
using Bitrix24OfflineSync.Sinks;
using Bitrix24OfflineSync.Sinks.Fields;
using Bitrix24OfflineSync.Sync.Resolution;

namespace Bitrix24OfflineSync.Sync.Passes;

/// <summary>
/// Reads the field lists of a portal's synced entities (<c>crm.deal.fields</c> and the other classic lists,
/// <c>crm.item.fields</c> per smart-process type, <c>crm.activity.fields</c>, <c>tasks.task.getFields</c>) and the
/// labels of its statuses and stages (<c>crm.status.list</c>), all in one batch request (a second only past 50
/// commands), and keeps them in the field store; the sink follows (the mirror's views). The pass over
/// <see cref="Entity"/> runs it: at install, then with each drift check, after the smart-process types are found.
/// An entity whose list could not be read keeps the fields it had.
/// </summary>
internal sealed class FieldDiscovery(
    BitrixBatch batch,
    SyncedEntities entities,
    IPortalFieldStore store,
    SinkCommits sink,
    TimeProvider time,
    ILogger<FieldDiscovery> logger)
{
    /// <summary>The pass entity of the field lists' read.</summary>
    public const string Entity = "fields";

    private const string StatusKey = "statuses";

    /// <summary>Whether any synced entity has a field list to read.</summary>
    public bool Reads => entities.SmartProcessesSynced || entities.Fixed.Any(f => f.Fields is not null);

    /// <summary>Reads and stores the field lists; the pass as done, or unchanged when a method was paused for its operating time.</summary>
    public async Task<Discovered> RunAsync(EntityPass pass)
    {
        var read = await ReadAsync(pass.MemberId, CancellationToken.None).ConfigureAwait(false);
        if (read.PausedUntil is { } until)
        {
            return new Discovered(pass, until);
        }

        return new Discovered(pass with { Cursor = read.Fields, MaxId = read.Fields, ObjectsRead = read.Fields });
    }

    /// <summary>
    /// Reads the portal's field lists now, in one request, and keeps them; the sink follows. A writer that meets a
    /// field name the kept list lacks has them read again with this (under the portal's lease, like every call).
    /// </summary>
    public async Task<FieldsRead> ReadAsync(string memberId, CancellationToken cancellationToken)
    {
        var lists = (await entities.ForPortalAsync(memberId, cancellationToken).ConfigureAwait(false)).Where(f => f.Fields is not null).ToList();
        var commands = lists.Select((f, i) => new BatchCommand(Key(i), f.Fields!.Method, f.Fields.Parameters?.DeepClone().AsObject())).ToList();
        if (lists.Any(f => f.Fields!.Shape != FieldListShape.Task))
        {
            commands.Insert(0, new BatchCommand(StatusKey, "crm.status.list", new JsonObject { ["order"] = new JsonObject { ["SORT"] = "ASC" } }));
        }

        var results = commands.Count == 0
            ? new Dictionary<string, BatchCommandResult>(StringComparer.Ordinal)
            : (await batch.RunAsync(memberId, commands, cancellationToken).ConfigureAwait(false)).ToDictionary(r => r.Key, StringComparer.Ordinal);
        if (results.Values.Max(r => r.PausedUntil) is { } until)
        {
            return new FieldsRead(0, false, until);
        }

        var statuses = results.TryGetValue(StatusKey, out var answer) && answer.Succeeded ? FieldListReader.Statuses(answer.Result) : null;
        var read = new List<EntityFields>();
        var kept = new List<string>();
        for (var i = 0; i < lists.Count; i++)
        {
            var (entity, list, result) = (lists[i].Entity, lists[i].Fields!, results[Key(i)]);
            var fields = result.Succeeded ? FieldListReader.Read(entity, list.Shape, result.Result, statuses) : null;
            if (fields is null || (statuses is null && FieldListReader.NeedsStatuses(fields)))
            {
                var reason = result.Error?.ToString() ?? (fields is null ? "the answer is not a field list" : $"crm.status.list failed: {answer?.Error?.ToString() ?? "no list"}");
                PassLog.FieldsNotRead(logger, memberId, entity, reason);
                kept.Add(entity);
                continue;
            }

            read.Add(fields);
        }

        var count = read.Sum(e => e.Fields.Count);
        var changed = await store.SaveAsync(memberId, read, kept, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        PassLog.FieldsRead(logger, memberId, read.Count, count, changed);
        try
        {
            await sink.FieldsReadAsync(changed, cancellationToken).ConfigureAwait(false);
        }
        catch (SinkUnavailableException)
        {
            // The sink logged it; it follows at the next read of any portal's fields.
        }

        return new FieldsRead(count, changed, null);
    }

    private static string Key(int index) => "f" + index.ToString(CultureInfo.InvariantCulture);
}

/// <summary>What one read of a portal's field lists found: how many fields, whether any changed, or until when a method was paused (nothing was read).</summary>
internal sealed record FieldsRead(int Fields, bool Changed, DateTimeOffset? PausedUntil);
