using Bitrix24OfflineSync.Bitrix;
using Bitrix24OfflineSync.Sinks;
using Bitrix24OfflineSync.Sync.Model;
using Bitrix24OfflineSync.Sync.Resolution;

namespace Bitrix24OfflineSync.Tests.Sync.Drain;

/// <summary>
/// A resolver answering scripted values: each CRM event's object (its FIELDS.ID, as a deal) becomes one upsert, but for
/// the objects set to fail or to be paused; or the whole resolution is paused for operating time.
/// </summary>
internal sealed class ScriptedChangeResolver(TimeProvider time) : IChangeResolver
{
    public HashSet<string> Failing { get; } = [];

    public Dictionary<string, DateTimeOffset> Paused { get; } = [];

    /// <summary>The whole resolution throws <see cref="BitrixMethodPausedException"/> until then.</summary>
    public DateTimeOffset? PausedUntil { get; set; }

    public Task<ResolvedBatch> ResolveAsync(string memberId, IReadOnlyList<OfflineEvent> events, CancellationToken cancellationToken)
    {
        if (PausedUntil is { } until)
        {
            throw new BitrixMethodPausedException(memberId, "crm.deal.list", until);
        }

        var changes = new List<ObjectChange>();
        var failures = new List<ItemFailure>();
        var paused = new List<ItemPause>();
        foreach (var group in events.GroupBy(e => e.Data?["FIELDS"]?["ID"]?.ToString() ?? "", StringComparer.Ordinal))
        {
            var key = new ObjectKey("deal", group.Key);
            var messageIds = group.Select(e => e.MessageId).ToList();
            if (Failing.Contains(group.Key))
            {
                failures.Add(new ItemFailure(key, messageIds, "access denied"));
            }
            else if (Paused.TryGetValue(group.Key, out var resetAt))
            {
                paused.Add(new ItemPause(key, messageIds, resetAt));
            }
            else
            {
                changes.Add(new ObjectChange(key, ChangeAction.Upsert, null, null, time.GetUtcNow(), [.. group.Select(e => e.EventName)], messageIds));
            }
        }

        return Task.FromResult(new ResolvedBatch(changes, failures, paused));
    }
}
