using Bitrix24OfflineSync.Persistence;
using Bitrix24OfflineSync.Sinks.Database.Views;

namespace Bitrix24OfflineSync.Sinks.Database;

/// <summary>
/// The default sink: the service's own database. A commit is one transaction, so it is durable when it returns; a
/// database that cannot take it (either provider) makes the sink unavailable, and the batch stays reserved. A
/// database that refuses a row (a constraint, a value it cannot hold) refuses that object: the batch is split to find
/// it (<see cref="RefusalSearch"/>), the rest is committed, and the object is answered as refused.
/// Unmapped events are kept too, under the entity <c>event</c> and their MESSAGE_ID. Its typed views follow
/// the portals' field lists.
/// </summary>
internal sealed class DatabaseMirrorSink(IMirrorStore store, MirrorViews views) : ISyncSink
{
    public string Name => "database";

    public async Task<SinkCommitResult> CommitAsync(SinkBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var refused = await RefusalSearch.CommitAsync(batch.Changes, async part =>
        {
            try
            {
                await store.UpsertAsync(batch.MemberId, part, batch.Fence, cancellationToken).ConfigureAwait(false);
                return null;
            }
            catch (StorageUnavailableException ex) when (ex.Refusal is { } refusal)
            {
                return new RefusalSearch.Refused(refusal.Code, RefusalSearch.Clip(refusal.Message));
            }
            catch (StorageUnavailableException ex)
            {
                throw new SinkUnavailableException($"the mirror database refused the commit: {ex.Reason}", ex);
            }
        }).ConfigureAwait(false);
        return refused.Count == 0 ? SinkCommitResult.Accepted : new SinkCommitResult(refused);
    }

    public async Task ForgetPortalAsync(string memberId, string? domain, CancellationToken cancellationToken)
    {
        try
        {
            await store.DeletePortalAsync(memberId, cancellationToken).ConfigureAwait(false);
        }
        catch (StorageUnavailableException ex)
        {
            throw new SinkUnavailableException($"the mirror database refused the delete: {ex.Reason}", ex);
        }
    }

    public async Task FieldsReadAsync(bool changed, CancellationToken cancellationToken)
    {
        if (!changed && !views.Stale)
        {
            return;
        }

        try
        {
            await views.RefreshAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (StorageUnavailableException ex)
        {
            throw new SinkUnavailableException($"the mirror database refused the views: {ex.Reason}", ex);
        }
    }
}
