using System.Globalization;
using Bitrix24OfflineSync.Portals;
using Bitrix24OfflineSync.Security;
using Bitrix24OfflineSync.Sinks.Fields;

namespace Bitrix24OfflineSync.Operations;

/// <summary>
/// <c>portals fields MEMBER_ID [--entity E]</c>: the portal's field lists as last read, per entity: each field's code,
/// type, flags (<c>M</c> multiple, <c>R</c> read-only, <c>Q</c> required) and title, and under a list field the labels
/// of its values. What the portal sent is printed by the rule for outside text (<see cref="PrintableText"/>).
/// </summary>
internal static class FieldListing
{
    public static async Task<int> WriteAsync(IServiceProvider services, string memberId, string? entity, TextWriter output, TextWriter error)
    {
        if (await services.GetRequiredService<IPortalRegistry>().FindAsync(memberId, CancellationToken.None).ConfigureAwait(false) is null)
        {
            await error.WriteLineAsync($"no portal {Printable(memberId)}").ConfigureAwait(false);
            return OperatorCommands.UnknownPortal;
        }

        var fields = services.GetRequiredService<IPortalFields>();
        var read = await fields.EntitiesAsync(memberId, CancellationToken.None).ConfigureAwait(false);
        var chosen = read.Where(e => entity is null || e.Key == entity).OrderBy(e => e.Key, StringComparer.Ordinal).ToList();
        if (chosen.Count == 0)
        {
            await output.WriteLineAsync(entity is null
                ? $"{Printable(memberId)}: no field lists read yet (they are read at the load and with each drift check)"
                : $"{Printable(memberId)}: no field list of {Printable(entity)} read").ConfigureAwait(false);
            return OperatorCommands.Done;
        }

        foreach (var (name, readAt) in chosen)
        {
            var list = await fields.ForEntityAsync(memberId, name, CancellationToken.None).ConfigureAwait(false);
            var labels = (await fields.LabelsAsync(memberId, name, CancellationToken.None).ConfigureAwait(false)).ToLookup(l => l.Code, StringComparer.Ordinal);
            await output.WriteLineAsync($"{Printable(name)}: {list.Count} fields, read {readAt.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture)}").ConfigureAwait(false);
            await output.WriteLineAsync($"  {"CODE",-32}  {"TYPE",-16}  {"FLAGS",-5}  TITLE").ConfigureAwait(false);
            foreach (var field in list)
            {
                var flags = $"{(field.Multiple ? "M" : "")}{(field.ReadOnly ? "R" : "")}{(field.Required ? "Q" : "")}";
                await output.WriteLineAsync($"  {Printable(field.Code),-32}  {Printable(field.Type),-16}  {(flags.Length == 0 ? "-" : flags),-5}  {Printable(field.Title)}").ConfigureAwait(false);
                foreach (var label in labels[field.Code])
                {
                    await output.WriteLineAsync($"      {Printable(label.Value),-30}  {Printable(label.Label)}").ConfigureAwait(false);
                }
            }
        }

        return OperatorCommands.Done;
    }

    /// <summary>A portal's titles and codes must not drive the operator's terminal.</summary>
    private static string Printable(string text) => PrintableText.Of(text)!;
}
