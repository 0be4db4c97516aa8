using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Bitrix;
using Bitrix24OfflineSync.Sync.Journal;
using Bitrix24OfflineSync.Sync.Model;
using Bitrix24OfflineSync.Sync.Resolution;
using Bitrix24OfflineSync.Sync.Turns;

namespace Bitrix24OfflineSync.Sync.Drain;

/// <summary>
/// Dead letters an operator asked to replay (<c>deadletters replay</c> leaves the request in the store and marks the
/// portal dirty). At the portal's next turn, under its lease, the pass over the error rows runs first (a row still in
/// the queue brings its object through it, and the row is cleared); then each requested letter that pass did not
/// settle is resolved anew from the event kept with it, its object's current state fetched, and committed. Taken,
/// the dead letter ends; failing or refused again, it stays with the latest status until asked for again or until its
/// object changes and the sink takes it.
/// </summary>
internal sealed class DeadLetterReplays(IFailureLog log, IChangeResolver resolver, ItemFailures failures, ILogger<DeadLetterReplays> logger)
{
    public Task<bool> RequestedAsync(string memberId) => log.ReplayRequestedAsync(memberId, CancellationToken.None);

    /// <summary>Replays what is asked for when <see cref="TurnContext.ReplayRequested"/>; a method paused for its operating time leaves it asked for.</summary>
    public async Task<TurnResult> ReplayAsync(TurnContext turn)
    {
        var memberId = turn.MemberId;
        var letters = turn.ReplayRequested
            ? (await log.DeadLettersAsync(memberId, CancellationToken.None).ConfigureAwait(false)).Where(l => l.ReplayRequested).ToList()
            : [];
        if (letters.Count == 0)
        {
            return TurnResult.None;
        }

        SyncLog.Replaying(logger, memberId, letters.Count);
        var unreplayable = letters.Where(l => l.EventData is null).ToList();
        foreach (var letter in unreplayable)
        {
            SyncLog.NotReplayable(logger, letter.Entity, letter.EntityId, memberId, letter.MessageId);
        }

        await log.CancelReplayAsync(memberId, [.. unreplayable.Select(l => l.MessageId)], CancellationToken.None).ConfigureAwait(false);
        var events = letters.Where(l => l.EventData is not null)
            .Select(l => new OfflineEvent(0, l.EventName, JsonNode.Parse(l.EventData!), l.MessageId, null))
            .ToList();
        if (events.Count == 0)
        {
            return TurnResult.None;
        }

        ResolvedBatch resolved;
        try
        {
            resolved = await resolver.ResolveAsync(memberId, events, CancellationToken.None).ConfigureAwait(false);
        }
        catch (BitrixMethodPausedException ex)
        {
            return TurnResult.Paused(ex.Until);
        }

        var committed = await turn.CommitAsync("d_", events.Select(e => e.MessageId), resolved.Changes).ConfigureAwait(false);
        var (taken, refused) = ItemFailures.Split(resolved.Changes, committed);
        await failures.TakenAsync(memberId, taken, CancellationToken.None).ConfigureAwait(false);
        // Given up on again: the letters take the latest status, and their request has had its go.
        await failures.DeadLetterAsync(memberId, [.. resolved.Failures, .. refused], events.ToDictionary(e => e.MessageId, StringComparer.Ordinal), CancellationToken.None).ConfigureAwait(false);
        return TurnResult.Paused(resolved.PausedUntil) with { Objects = taken.Count };
    }
}
