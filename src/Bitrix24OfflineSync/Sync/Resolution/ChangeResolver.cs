using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Sinks;
using Bitrix24OfflineSync.Sync.Model;

namespace Bitrix24OfflineSync.Sync.Resolution;

/// <summary>
/// Maps each event to its object, groups the events per object, makes tombstones for deletes without asking, and
/// fetches the rest's current state in as few requests as the API allows (<see cref="StateFetcher"/>). An event
/// with no mapping is delivered as it came; an event whose id cannot be read is an item failure.
/// </summary>
internal sealed class ChangeResolver(EventMapper mapper, StateFetcher fetcher, TimeProvider time, ILogger<ChangeResolver> logger) : IChangeResolver
{
    public async Task<ResolvedBatch> ResolveAsync(string memberId, IReadOnlyList<OfflineEvent> events, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var failures = new List<ItemFailure>();
        var paused = new List<ItemPause>();
        var groups = new Dictionary<ObjectKey, ObjectGroup>();
        foreach (var offlineEvent in events)
        {
            var resolution = mapper.Resolve(offlineEvent.EventName, offlineEvent.Data);
            var mapping = resolution.Mapping;
            ObjectKey key;
            if (resolution.IsIgnored)
            {
                // An item of a smart-process type that is not synced: its row is cleared with the rest.
                FetchLog.Ignored(logger, memberId, offlineEvent.EventName, offlineEvent.MessageId);
                continue;
            }

            if (mapping is null)
            {
                FetchLog.Unmapped(logger, memberId, offlineEvent.EventName, offlineEvent.MessageId);
                key = new ObjectKey(ConfiguredMappings.EventEntity, offlineEvent.MessageId);
            }
            else if (resolution.Id is { } id)
            {
                key = new ObjectKey(mapping.Entity, id);
            }
            else
            {
                FetchLog.EventWithoutId(logger, memberId, offlineEvent.EventName, offlineEvent.MessageId, resolution.Problem!);
                failures.Add(new ItemFailure(
                    new ObjectKey(ConfiguredMappings.EventEntity, offlineEvent.MessageId),
                    [offlineEvent.MessageId],
                    resolution.Problem!));
                continue;
            }

            if (!groups.TryGetValue(key, out var group))
            {
                groups[key] = group = new ObjectGroup(key, offlineEvent);
            }

            group.Add(offlineEvent, mapping);
        }

        var toFetch = groups.Values.Where(g => g.NeedsFetch).Select(g => (g.Key, Fetch: g.Fetch!)).ToList();
        var outcomes = toFetch.Count == 0
            ? new Dictionary<ObjectKey, FetchOutcome>()
            : await fetcher.FetchAsync(memberId, toFetch, cancellationToken).ConfigureAwait(false);
        var changes = new List<ObjectChange>(groups.Count);
        foreach (var group in groups.Values)
        {
            if (!group.IsMapped)
            {
                changes.Add(AsEvent(group, now));
            }
            else if (!group.NeedsFetch)
            {
                changes.Add(Change(group, ChangeAction.Delete, null, null, now));
            }
            else
            {
                changes.AddRange(Fetched(group, outcomes[group.Key], failures, paused));
            }
        }

        FetchLog.Resolved(logger, memberId, events.Count, changes.Count, failures.Count);
        var shares = toFetch.GroupBy(o => o.Fetch.Entity, StringComparer.Ordinal)
            .Select(g => new FetchShare(g.Count(), g.First().Fetch.ListMethod is null ? 1 : StateFetcher.IdsPerList))
            .ToList();
        return new ResolvedBatch(changes, failures, paused) { Fetched = shares };
    }

    /// <summary>A fetched object: its state, a tombstone when the fetch found nothing, an item failure, or a pause.</summary>
    private static IEnumerable<ObjectChange> Fetched(ObjectGroup group, FetchOutcome outcome, List<ItemFailure> failures, List<ItemPause> paused)
    {
        if (outcome.PausedUntil is { } until)
        {
            paused.Add(new ItemPause(group.Key, group.MessageIds, until));
            return [];
        }

        if (outcome.Failure is { } reason)
        {
            failures.Add(new ItemFailure(group.Key, group.MessageIds, reason));
            return [];
        }

        return [outcome.Change(group.Key, group.Fetch!, ChangeOrigin.Event, [.. group.Events], [.. group.MessageIds])];
    }

    /// <summary>An unmapped event: its name and data as they came; its queue time is the best "modified" there is.</summary>
    private static ObjectChange AsEvent(ObjectGroup group, DateTimeOffset now)
    {
        var state = new JsonObject { ["event"] = group.First.EventName, ["data"] = group.First.Data?.DeepClone() };
        return Change(group, ChangeAction.Event, state, FetchAnswers.Time(group.First.Timestamp), now);
    }

    private static ObjectChange Change(ObjectGroup group, ChangeAction action, JsonNode? state, DateTimeOffset? modifiedAt, DateTimeOffset fetchedAt) =>
        new(group.Key, action, state, modifiedAt, fetchedAt, [.. group.Events], [.. group.MessageIds]);
}
