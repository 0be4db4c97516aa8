using Bitrix24OfflineSync.Persistence;
using Microsoft.Extensions.Options;

namespace Bitrix24OfflineSync.Sinks.Http;

/// <summary>
/// Forwards batches to an external receiver as signed Standard Webhooks POSTs. A batch is split into chunks of at
/// most <see cref="SinkOptions.MaxBatchSize"/> changes, delivered in order; the commit returns only when every
/// chunk got a 2xx, but for what the receiver refuses: a chunk it refuses (<see cref="WebhookAnswers"/>) is split to
/// find the objects it refuses alone (<see cref="RefusalSearch"/>), and the rest is delivered. A message's id depends
/// only on the batch and the objects it carries, so a batch committed again (after a failed round or a restart)
/// carries the same ids and the receiver can drop what it already stored.
/// </summary>
internal sealed class HttpForwarderSink(
    WebhookSender sender,
    DeliveredIndex index,
    IOptions<SinkOptions> options,
    ILogger<HttpForwarderSink> logger) : ISyncSink
{
    public string Name => "http";

    public async Task<SinkCommitResult> CommitAsync(SinkBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var changes = await LeaveOutRepeatsAsync(batch, cancellationToken).ConfigureAwait(false);
        var chunks = changes.Chunk(options.Value.MaxBatchSize).ToList();
        var refused = new List<SinkRefusal>();
        var messages = 0;
        foreach (var chunk in chunks)
        {
            refused.AddRange(await RefusalSearch.CommitAsync(chunk, part =>
            {
                messages++;
                var id = WebhookIds.ForChanges(batch.MemberId, batch.BatchId, part);
                var body = SinkPayloadWriter.Changes(batch.MemberId, batch.Domain, part);
                return sender.SendAsync(new WebhookMessage(id, SinkPayloadWriter.ChangesType, batch.MemberId, body), cancellationToken);
            }).ConfigureAwait(false));
        }

        HttpSinkLog.BatchDelivered(logger, batch.MemberId, batch.BatchId, changes.Count - refused.Count, messages, refused.Count);
        var refusedKeys = refused.Select(r => r.Key).ToHashSet();
        var delivered = refusedKeys.Count == 0 ? changes : [.. changes.Where(c => !refusedKeys.Contains(c.Key))];
        try
        {
            await index.RecordAsync(batch.MemberId, delivered, cancellationToken).ConfigureAwait(false);
        }
        catch (StorageUnavailableException ex)
        {
            // Delivered but not indexed: the batch stays reserved and comes again; the receiver drops the repeat by its id.
            throw new SinkUnavailableException($"the delivery index refused the batch: {ex.Reason}", ex);
        }

        return refused.Count == 0 ? SinkCommitResult.Accepted : new SinkCommitResult(refused);
    }

    /// <summary>
    /// A change the queue brought with the very state delivered last for its object is not sent again: the queue row of
    /// the service's own write (a portal without a connector, another connector) reaches the receiver once, as the
    /// write's read-back. Loads and drift checks send what they read, and the write's read-back always goes.
    /// </summary>
    private async Task<IReadOnlyList<ObjectChange>> LeaveOutRepeatsAsync(SinkBatch batch, CancellationToken cancellationToken)
    {
        var fromQueue = batch.Changes.Where(c => c.Origin == ChangeOrigin.Event).ToList();
        if (fromQueue.Count == 0)
        {
            return batch.Changes;
        }

        IReadOnlySet<ObjectChange> repeats;
        try
        {
            repeats = await index.DeliveredAlreadyAsync(batch.MemberId, fromQueue, cancellationToken).ConfigureAwait(false);
        }
        catch (StorageUnavailableException ex)
        {
            throw new SinkUnavailableException($"the delivery index could not be read: {ex.Reason}", ex);
        }

        if (repeats.Count == 0)
        {
            return batch.Changes;
        }

        HttpSinkLog.RepeatsLeftOut(logger, batch.MemberId, batch.BatchId, repeats.Count);
        return [.. batch.Changes.Where(c => !repeats.Contains(c))];
    }

    public async Task ForgetPortalAsync(string memberId, string? domain, CancellationToken cancellationToken)
    {
        var message = new WebhookMessage(WebhookIds.Fresh(), SinkPayloadWriter.ForgetType, memberId, SinkPayloadWriter.Forget(memberId, domain));
        if (await sender.SendAsync(message, cancellationToken).ConfigureAwait(false) is { } refusal)
        {
            // A forget holds no object to leave out: refused, it waits like an undelivered one.
            throw new SinkUnavailableException($"The HTTP sink refused message {message.Id} ({refusal.Status}).");
        }

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

    /// <summary>The receiver gets states as fetched; the field lists shape nothing here.</summary>
    public Task FieldsReadAsync(bool changed, CancellationToken cancellationToken) => Task.CompletedTask;
}
