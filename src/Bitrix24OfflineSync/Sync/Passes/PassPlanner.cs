using Bitrix24OfflineSync.Portals;
using Bitrix24OfflineSync.Sync.Resolution;
using Microsoft.Extensions.Options;

namespace Bitrix24OfflineSync.Sync.Passes;

/// <summary>
/// Which keyset passes a portal has to run: a load of every synced entity it has not been loaded with since its
/// install, as soon as its events are bound (so nothing changed during the load is missed: it reaches the queue);
/// then, every <see cref="SyncOptions.ReconcileInterval"/> (more often for plans without reservations), a drift check.
/// Where smart processes are synced, the portal's types are an entity of their own (<see cref="TypeDiscovery.Entity"/>):
/// loaded at install and checked with the rest, so a new type is loaded once found and a type gone from the portal
/// is retired (its objects tombstoned). The portal's field lists are one more (<see cref="FieldDiscovery.Entity"/>), read
/// after the types and before the objects, at install and with each check.
/// </summary>
internal sealed class PassPlanner(
    IPassStore store,
    IPortalSyncState syncState,
    SyncedEntities entities,
    FieldDiscovery fields,
    IOptions<SyncOptions> options,
    TimeProvider time,
    ILogger<PassPlanner> logger)
{
    /// <summary>The portal's passes not yet done, after starting those that are due; the types' discovery comes first.</summary>
    public async Task<IReadOnlyList<EntityPass>> DueAsync(PortalRecord portal, bool basicPlan, CancellationToken cancellationToken, Action<DateTimeOffset>? nextCheck = null)
    {
        var memberId = portal.MemberId;
        var passes = await store.ForPortalAsync(memberId, cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        var synced = await NamesAsync(memberId, cancellationToken).ConfigureAwait(false);
        var gone = (await entities.SmartProcessTypesAsync(memberId, cancellationToken).ConfigureAwait(false))
            .Where(t => t.IsGone)
            .ToDictionary(t => SmartProcesses.Entity(t.EntityTypeId), t => t.GoneAt!.Value, StringComparer.Ordinal);
        var loads = passes.Where(p => p.Kind == PassKind.Load).ToDictionary(p => p.Entity, StringComparer.Ordinal);
        var toLoad = synced
            .Where(e => !loads.TryGetValue(e, out var load) || load.StartedAt < portal.InstalledAt)
            .ToList();
        var started = false;
        if (toLoad.Count > 0 && await syncState.RegisteredAtAsync(memberId, cancellationToken).ConfigureAwait(false) >= portal.InstalledAt)
        {
            await StartAsync(memberId, toLoad, PassKind.Load, now, cancellationToken).ConfigureAwait(false);
            started = true;
        }

        var toRetire = gone.Where(g => !passes.Any(p => p.Entity == g.Key && p.Kind == PassKind.Retire && p.StartedAt >= g.Value)).Select(g => g.Key).ToList();
        if (toRetire.Count > 0)
        {
            await StartAsync(memberId, toRetire, PassKind.Retire, now, cancellationToken).ConfigureAwait(false);
            started = true;
        }

        if (started)
        {
            passes = await store.ForPortalAsync(memberId, cancellationToken).ConfigureAwait(false);
        }

        var running = Running(passes, synced, gone.Keys);
        if (toLoad.Count == 0 && running.Count == 0 && CheckInterval(basicPlan) is { } interval)
        {
            var due = synced.Where(e => LastCompared(passes, e) is not { } last || last + interval <= now).ToList();
            if (due.Count == 0 && synced.Select(e => LastCompared(passes, e)).Min() is { } earliest)
            {
                // Nothing due now: the scheduler wakes the portal when the first entity falls due, however quiet it is.
                nextCheck?.Invoke(earliest + interval);
            }

            if (due.Count > 0)
            {
                await StartAsync(memberId, due, PassKind.Check, now, cancellationToken).ConfigureAwait(false);
                passes = await store.ForPortalAsync(memberId, cancellationToken).ConfigureAwait(false);
                running = Running(passes, synced, gone.Keys);
            }
        }

        // The types are found before their fields and items are read.
        return [.. running.OrderBy(p => p.Entity switch { TypeDiscovery.Entity => 0, FieldDiscovery.Entity => 1, _ => 2 })];
    }

    /// <summary>Schedules a full load now (the operators' <c>portals resync</c>); null entities: all of them.</summary>
    public async Task<IReadOnlyList<string>> ResyncAsync(string memberId, string? entity, CancellationToken cancellationToken)
    {
        var chosen = (await NamesAsync(memberId, cancellationToken).ConfigureAwait(false)).Where(e => entity is null || e == entity).ToList();
        if (chosen.Count > 0)
        {
            await StartAsync(memberId, chosen, PassKind.Load, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        }

        return chosen;
    }

    /// <summary>
    /// The entities the portal's passes go over: its types' discovery where smart processes are synced, the read of its
    /// field lists, and its synced entities.
    /// </summary>
    public async Task<IReadOnlyList<string>> NamesAsync(string memberId, CancellationToken cancellationToken) =>
        [
            .. entities.SmartProcessesSynced ? [TypeDiscovery.Entity] : Array.Empty<string>(),
            .. fields.Reads ? [FieldDiscovery.Entity] : Array.Empty<string>(),
            .. (await entities.ForPortalAsync(memberId, cancellationToken).ConfigureAwait(false)).Select(e => e.Entity),
        ];

    /// <summary>
    /// The passes to run: of a synced entity a load, or a check when no load of it runs; of an entity gone from the
    /// portal only its retirement (a load or check of it could no longer read anything).
    /// </summary>
    private static List<EntityPass> Running(IReadOnlyList<EntityPass> passes, IReadOnlyList<string> synced, IEnumerable<string> gone)
    {
        var loading = passes.Where(p => p.Kind == PassKind.Load && !p.IsDone).Select(p => p.Entity).ToHashSet(StringComparer.Ordinal);
        var goneSet = gone.ToHashSet(StringComparer.Ordinal);
        return [.. passes.Where(p => !p.IsDone && p.Kind switch
        {
            PassKind.Retire => goneSet.Contains(p.Entity),
            PassKind.Load => synced.Contains(p.Entity),
            _ => synced.Contains(p.Entity) && !loading.Contains(p.Entity),
        })];
    }

    private TimeSpan? CheckInterval(bool basicPlan)
    {
        var interval = basicPlan ? options.Value.BasicReconcileInterval : options.Value.ReconcileInterval;
        return interval > TimeSpan.Zero ? interval : null;
    }

    /// <summary>When the sink was last found in step with the portal for the entity: the end of its last check or load.</summary>
    private static DateTimeOffset? LastCompared(IReadOnlyList<EntityPass> passes, string entity) =>
        passes.Where(p => p.Entity == entity && p.IsDone).Max(p => p.FinishedAt);

    private async Task StartAsync(string memberId, IReadOnlyList<string> chosen, PassKind kind, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await store.StartAsync(memberId, chosen, kind, now, cancellationToken).ConfigureAwait(false);
        foreach (var entity in chosen)
        {
            PassLog.Started(logger, memberId, kind, entity);
        }
    }
}
