using Bitrix24OfflineSync.Bitrix;

namespace Bitrix24OfflineSync.Writes;

/// <summary>Records where a write ends up: the store, and for a final status one log event and the counter.</summary>
internal sealed class WriteOutcomes(IWriteStore store, WritesMetrics metrics, TimeProvider time, ILogger<WriteOutcomes> logger)
{
    /// <summary>A write Bitrix24 refused: failed with Bitrix24's code (<c>NOT_FOUND</c> for the classic API's empty-coded "Not found").</summary>
    public static WriteOutcome Refused(BitrixError error) => new(
        WriteStatus.Failed,
        null,
        error.Code.Length > 0 ? error.Code : error.IsNotFound ? "NOT_FOUND" : "BITRIX24_ERROR",
        error.Description);

    public async Task EndAsync(StoredWrite write, WriteOutcome outcome, CancellationToken cancellationToken)
    {
        await store.FinishAsync(write.Seq, outcome, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        if (!WriteStatus.IsFinal(outcome.Status))
        {
            return;
        }

        var request = write.Request;
        var id = outcome.ObjectId ?? request.Id;
        metrics.Ended(write.MemberId, request, outcome.Status);
        switch (outcome.Status)
        {
            case WriteStatus.Applied:
                WritesLog.Applied(logger, write.Key, write.MemberId, request.Action, request.Entity, id);
                break;
            case WriteStatus.Conflict:
                WritesLog.Conflict(logger, write.Key, write.MemberId, request.Entity, id, outcome.ErrorMessage ?? "", request.IfUnmodifiedSince);
                break;
            default:
                WritesLog.Failed(logger, write.Key, write.MemberId, request.Action, request.Entity, id, outcome.ErrorCode ?? "", outcome.ErrorMessage ?? "");
                break;
        }
    }
}
