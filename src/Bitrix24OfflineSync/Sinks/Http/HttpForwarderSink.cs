using Bitrix24OfflineSync.Persistence;
using Microsoft.Extensions.Options;

namespace Bitrix24OfflineSync.Sinks.Http;

/// <summary>
/// Forwards batches to an external receiver as signed Standard Webhooks POSTs. A batch is split into chunks of at
/// most <see cref="SinkOptions.MaxBatchSize"/> changes, delivered in order; the commit returns only when every
/// chunk got a 2xx. A chunk's id depends only on the batch and its place in it, so a batch committed again (after
/// a failed round or a restart) carries the same ids and the receiver can drop what it already stored.
/// </summary>
internal sealed class HttpForwarderSink(
    WebhookSender sender,
    DeliveredIndex index,
    IOptions<SinkOptions> options,
    ILogger<HttpForwarderSink> logger) : ISyncSink
{
    public async Task CommitAsync(SinkBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var chunks = batch.Changes.Chunk(options.Value.MaxBatchSize).ToList();
        for (var index = 0; index < chunks.Count; index++)
        {
            var id = WebhookIds.ForChunk(batch.MemberId, batch.BatchId, index, chunks.Count);
            var body = SinkPayloadWriter.Changes(batch.MemberId, batch.Domain, chunks[index]);
            await sender.SendAsync(new WebhookMessage(id, SinkPayloadWriter.ChangesType, batch.MemberId, body), cancellationToken).ConfigureAwait(false);
        }

        HttpSinkLog.BatchDelivered(logger, batch.MemberId, batch.BatchId, batch.Changes.Count, chunks.Count);
        try
        {
            await index.RecordAsync(batch.MemberId, batch.Changes, cancellationToken).ConfigureAwait(false);
        }
        catch (StorageUnavailableException ex)
        {
            // Delivered but not indexed: the batch stays reserved and comes again; the receiver drops the repeat by its id.
            throw new SinkUnavailableException($"the delivery index refused the batch: {ex.Reason}", ex);
        }
    }

    public async Task ForgetPortalAsync(string memberId, string? domain, CancellationToken cancellationToken)
    {
        var message = new WebhookMessage(WebhookIds.Fresh(), SinkPayloadWriter.ForgetType, memberId, SinkPayloadWriter.Forget(memberId, domain));
        await sender.SendAsync(message, cancellationToken).ConfigureAwait(false);
        try
        {
            await index.ForgetAsync(memberId, cancellationToken).ConfigureAwait(false);
        }
        catch (StorageUnavailableException ex)
        {
            throw new SinkUnavailableException($"the delivery index refused the delete: {ex.Reason}", ex);
        }
        HttpSinkLog.PortalForgotten(logger, memberId, message.Id);
    }
}
