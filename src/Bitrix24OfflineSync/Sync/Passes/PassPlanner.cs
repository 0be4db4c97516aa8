using Bitrix24OfflineSync.Portals;
using Bitrix24OfflineSync.Sync.Mapping;
using Microsoft.Extensions.Options;

namespace Bitrix24OfflineSync.Sync.Passes;

/// <summary>
/// Which keyset passes a portal has to run: a load of every synced entity it has not been loaded with since its
/// install, as soon as its events are bound (so nothing changed during the load is missed: it reaches the queue);
/// then, every <see cref="SyncOptions.ReconcileInterval"/> (more often for plans without reservations), a drift check.
/// </summary>
internal sealed class PassPlanner(
    IPassStore store,
    IPortalSyncState syncState,
    SyncedEntities entities,
    IOptions<SyncOptions> options,
    TimeProvider time,
    ILogger<PassPlanner> logger)
{
    /// <summary>The portal's passes not yet done, after starting those that are due.</summary>
    public async Task<IReadOnlyList<EntityPass>> DueAsync(PortalRecord portal, bool basicPlan, CancellationToken cancellationToken)
    {
        var memberId = portal.MemberId;
        var passes = await store.ForPortalAsync(memberId, cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        var loads = passes.Where(p => p.Kind == PassKind.Load).ToDictionary(p => p.Entity, StringComparer.Ordinal);
        var toLoad = entities.All
            .Where(e => !loads.TryGetValue(e.Entity, out var load) || load.StartedAt < portal.InstalledAt)
            .Select(e => e.Entity)
            .ToList();
        if (toLoad.Count > 0 && await syncState.RegisteredAtAsync(memberId, cancellationToken).ConfigureAwait(false) >= portal.InstalledAt)
        {
            await StartAsync(memberId, toLoad, PassKind.Load, now, cancellationToken).ConfigureAwait(false);
            passes = await store.ForPortalAsync(memberId, cancellationToken).ConfigureAwait(false);
        }

        if (toLoad.Count == 0 && !passes.Any(p => !p.IsDone) && CheckInterval(basicPlan) is { } interval)
        {
            var due = entities.All.Select(e => e.Entity).Where(e => LastCompared(passes, e) is not { } last || last + interval <= now).ToList();
            if (due.Count > 0)
            {
                await StartAsync(memberId, due, PassKind.Check, now, cancellationToken).ConfigureAwait(false);
                passes = await store.ForPortalAsync(memberId, cancellationToken).ConfigureAwait(false);
            }
        }

        // A load of an entity supersedes a check of it that had not finished.
        var loading = passes.Where(p => p.Kind == PassKind.Load && !p.IsDone).Select(p => p.Entity).ToHashSet(StringComparer.Ordinal);
        return [.. passes.Where(p => !p.IsDone && entities.Find(p.Entity) is not null && (p.Kind == PassKind.Load || !loading.Contains(p.Entity)))];
    }

    /// <summary>Schedules a full load now (the operators' <c>portals resync</c>); null entities: all of them.</summary>
    public async Task<IReadOnlyList<string>> ResyncAsync(string memberId, string? entity, CancellationToken cancellationToken)
    {
        var chosen = entities.All.Select(e => e.Entity).Where(e => entity is null || e == entity).ToList();
        if (chosen.Count > 0)
        {
            await StartAsync(memberId, chosen, PassKind.Load, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        }

        return chosen;
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
