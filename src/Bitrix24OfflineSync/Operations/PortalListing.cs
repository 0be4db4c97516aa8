using System.Globalization;
using Bitrix24OfflineSync.Portals;
using Bitrix24OfflineSync.Security;
using Bitrix24OfflineSync.Sinks;
using Bitrix24OfflineSync.Sync.Journal;
using Bitrix24OfflineSync.Sync.Passes;

namespace Bitrix24OfflineSync.Operations;

/// <summary>
/// <c>portals list</c>: a line per portal (status, plan, last drain, backlog, the objects the sink holds now, the writes
/// the drains made, dead letters), and under it a line per load or drift check of each entity: done, or how far it has come.
/// Stored strings are printed through <see cref="PrintableText"/>: a domain or id that came from outside cannot
/// drive the operator's terminal.
/// </summary>
internal static class PortalListing
{
    public static async Task<int> WriteAsync(IServiceProvider services, TextWriter output)
    {
        var portals = await services.GetRequiredService<IPortalRegistry>().OverviewAsync(CancellationToken.None).ConfigureAwait(false);
        var held = await services.GetRequiredService<ISinkIndex>().HeldCountsAsync(CancellationToken.None).ConfigureAwait(false);
        var dead = await services.GetRequiredService<IFailureLog>().DeadLetterCountsAsync(CancellationToken.None).ConfigureAwait(false);
        var passes = (await services.GetRequiredService<IPassStore>().AllAsync(CancellationToken.None).ConfigureAwait(false))
            .ToLookup(p => p.MemberId, StringComparer.Ordinal);
        await output.WriteLineAsync($"{"MEMBER_ID",-32}  {"DOMAIN",-30}  {"STATUS",-12}  {"PLAN",-8}  {"LAST_DRAIN",-20}  {"BACKLOG",7}  {"OBJECTS",9}  {"WRITES",9}  {"DEAD",5}").ConfigureAwait(false);
        foreach (var p in portals)
        {
            var plan = p.OfflineExtended switch { true => "extended", false => "basic", null => "unknown" };
            await output.WriteLineAsync($"{PrintableText.Of(p.MemberId),-32}  {PrintableText.Of(p.Domain),-30}  {Status(p.Status),-12}  {plan,-8}  {Time(p.LastDrainAt),-20}  {p.LastBacklog,7}  {held.GetValueOrDefault(p.MemberId),9}  {p.DrainWrites,9}  {dead.GetValueOrDefault(p.MemberId),5}").ConfigureAwait(false);
            foreach (var pass in passes[p.MemberId])
            {
                await output.WriteLineAsync($"  {PrintableText.Of(pass.Entity),-20}  {Kind(pass.Kind),-11}  {Progress(pass)}").ConfigureAwait(false);
            }
        }

        await output.WriteLineAsync($"{portals.Count} portals").ConfigureAwait(false);
        return OperatorCommands.Done;
    }

    private static string Progress(EntityPass pass)
    {
        var counts = pass.Kind switch
        {
            PassKind.Load => FormattableString.Invariant($"{pass.ObjectsRead} read, {pass.Upserted} written, {pass.Deleted} tombstoned"),
            PassKind.Check => FormattableString.Invariant($"{pass.ObjectsRead} read, {pass.Upserted + pass.Deleted} out of step: {pass.Upserted} repaired, {pass.Deleted} tombstoned"),
            _ => FormattableString.Invariant($"{pass.Deleted} tombstoned"),
        };
        var where = pass switch
        {
            { FinishedAt: { } finished } => $"done {Time(finished)}",
            { MaxId: { } maxId } => FormattableString.Invariant($"at id {pass.Cursor} of {maxId}"),
            _ => "starting",
        };
        return $"{where}; {counts}";
    }

    private static string Kind(PassKind kind) => kind switch
    {
        PassKind.Load => "load",
        PassKind.Check => "drift check",
        _ => "retire",
    };

    private static string Time(DateTimeOffset? time) => time?.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) ?? "never";

    private static string Status(PortalStatus status) => status switch
    {
        PortalStatus.Active => "active",
        PortalStatus.NeedsReauth => "needs_reauth",
        _ => "uninstalled",
    };
}
