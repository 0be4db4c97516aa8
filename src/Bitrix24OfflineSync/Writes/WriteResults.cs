using Bitrix24OfflineSync.Bitrix.Batch;
using Bitrix24OfflineSync.Sinks;
using Bitrix24OfflineSync.Sync.Resolution;

namespace Bitrix24OfflineSync.Writes;

/// <summary>One write of a batch request: its condition's, write's and read-back's command keys, and the id known before it.</summary>
internal sealed record Plan(StoredWrite Write, EntityFetch Fetch, WriteMethods Methods, string? WriteCommand, string? ReadCommand, string? KnownId, bool Guarded);

/// <summary>How a write ended in its batch request, and until when its method is paused if it was.</summary>
internal sealed record PlanOutcome(WriteOutcome Outcome, DateTimeOffset? PausedUntil = null);

/// <summary>
/// Reads a write's outcome from its batch answer: applied (with the read-back for the sinks), a conflict (its condition
/// held it back and the read-back shows the newer time), failed with Bitrix24's code, or open again (paused, limited).
/// </summary>
internal static class WriteResults
{
    public static PlanOutcome Read(Plan plan, IReadOnlyDictionary<string, BatchCommandResult> results, DateTimeOffset fetchedAt, List<ObjectChange> changes)
    {
        var (write, request) = (plan.Write, plan.Write.Request);
        var id = plan.KnownId;
        var readBack = plan.ReadCommand is { } read && results[read] is { Succeeded: true } answer ? FetchAnswers.Single(answer.Result, plan.Fetch.GetResultKey) : null;
        if (plan.WriteCommand is { } key && results[key] is { Succeeded: false } refused)
        {
            if (refused.PausedUntil is { } until)
            {
                return new PlanOutcome(new WriteOutcome(WriteStatus.Queued), until);
            }

            if (refused.Error!.IsQueryLimit)
            {
                return new PlanOutcome(new WriteOutcome(WriteStatus.Queued));
            }

            var modified = readBack is null ? null : FetchAnswers.Time(readBack, plan.Fetch.ModifiedField);
            if (plan.Guarded && readBack is not null && modified > request.IfUnmodifiedSince)
            {
                if (write.Sent && Holds(readBack, request))
                {
                    // An earlier attempt of this write was applied and its answer lost: the newer time is its own.
                    changes.Add(Upsert(plan, id!, readBack, fetchedAt));
                    return new PlanOutcome(new WriteOutcome(WriteStatus.Applied, id));
                }

                var time = readBack[plan.Fetch.ModifiedField!]!.ToString();
                return new PlanOutcome(new WriteOutcome(WriteStatus.Conflict, null, "CONFLICT", $"The object was modified at {time}, after ifUnmodifiedSince."));
            }

            if (request.Action == WriteActions.Delete && write.Sent && (refused.Error.IsNotFound || (plan.Guarded && readBack is null)))
            {
                // An earlier attempt deleted it and its answer was lost.
                changes.Add(Tombstone(plan, id!, fetchedAt));
                return new PlanOutcome(new WriteOutcome(WriteStatus.Applied, id));
            }

            return new PlanOutcome(plan.Guarded && readBack is null && plan.ReadCommand is { } r && results[r].Error is { IsNotFound: true } gone
                ? WriteOutcomes.Refused(gone)
                : WriteOutcomes.Refused(refused.Error));
        }

        if (plan.WriteCommand is { } created && request.Action == WriteActions.Create)
        {
            id = plan.Methods.CreatedId(results[created].Result);
        }

        if (request.Action == WriteActions.Delete)
        {
            changes.Add(Tombstone(plan, id!, fetchedAt));
        }
        else if (readBack is not null)
        {
            id ??= FetchAnswers.Id(readBack, plan.Fetch.IdField);
            changes.Add(Upsert(plan, id!, readBack, fetchedAt));
        }

        return new PlanOutcome(new WriteOutcome(WriteStatus.Applied, id));
    }

    /// <summary>Whether the object already holds every value the write sets (compared as text).</summary>
    private static bool Holds(System.Text.Json.Nodes.JsonObject state, WriteRequest request) =>
        request.Fields?.All(f => state[f.Key]?.ToString() == f.Value?.ToString()) ?? true;

    private static ObjectChange Upsert(Plan plan, string id, System.Text.Json.Nodes.JsonObject state, DateTimeOffset fetchedAt) =>
        new(new ObjectKey(plan.Fetch.Entity, id), ChangeAction.Upsert, state, FetchAnswers.Time(state, plan.Fetch.ModifiedField), fetchedAt, [], [], ChangeOrigin.Write, plan.Write.Key);

    private static ObjectChange Tombstone(Plan plan, string id, DateTimeOffset fetchedAt) =>
        new(new ObjectKey(plan.Fetch.Entity, id), ChangeAction.Delete, null, null, fetchedAt, [], [], ChangeOrigin.Write, plan.Write.Key);
}
