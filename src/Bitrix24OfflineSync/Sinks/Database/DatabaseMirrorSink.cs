using Bitrix24OfflineSync.Persistence;

namespace Bitrix24OfflineSync.Sinks.Database;

/// <summary>
/// The default sink: the service's own database. A commit is one transaction, so it is durable when it returns; a
/// database that cannot take it (either provider) makes the sink unavailable, and the batch stays reserved.
/// Unmapped events are kept too, under the entity <c>event</c> and their MESSAGE_ID.
/// </summary>
internal sealed class DatabaseMirrorSink(IMirrorStore store) : ISyncSink
{
    public async Task CommitAsync(SinkBatch batch, CancellationToken cancellationToken)
    {
        try
        {
            await store.UpsertAsync(batch.MemberId, batch.Changes, batch.Fence, cancellationToken).ConfigureAwait(false);
        }
        catch (StorageUnavailableException ex)
        {
            throw new SinkUnavailableException($"the mirror database refused the commit: {ex.Reason}", ex);
        }
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
}
