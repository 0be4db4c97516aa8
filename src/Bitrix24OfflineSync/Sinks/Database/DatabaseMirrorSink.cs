namespace Bitrix24OfflineSync.Sinks.Database;

/// <summary>
/// The default sink: the service's own database. A commit is one transaction, so it is durable when it returns.
/// Unmapped events are kept too, under the entity <c>event</c> and their MESSAGE_ID.
/// </summary>
internal sealed class DatabaseMirrorSink(IMirrorStore store) : ISyncSink
{
    public async Task CommitAsync(SinkBatch batch, CancellationToken cancellationToken)
    {
        try
        {
            await store.UpsertAsync(batch.MemberId, batch.Changes, batch.Lease, cancellationToken).ConfigureAwait(false);
        }
        catch (Microsoft.Data.Sqlite.SqliteException ex)
        {
            throw new SinkUnavailableException($"the mirror database refused the commit ({ex.SqliteErrorCode})", ex);
        }
    }

    public Task ForgetPortalAsync(string memberId, CancellationToken cancellationToken) => store.DeletePortalAsync(memberId, cancellationToken);
}
