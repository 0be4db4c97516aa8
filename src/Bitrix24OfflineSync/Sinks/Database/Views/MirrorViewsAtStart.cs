using Bitrix24OfflineSync.Persistence;

namespace Bitrix24OfflineSync.Sinks.Database.Views;

/// <summary>
/// Brings the views in line once the service has started (after the schema's migration): a new version that builds
/// them differently replaces them then, without waiting for a portal's fields to change. A refusal is logged; the
/// service runs on, and the next read of a portal's fields tries again.
/// </summary>
internal sealed class MirrorViewsAtStart(MirrorViews views) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await views.RefreshAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (StorageUnavailableException)
        {
            // Logged by the views; they are marked stale and built at the next read of a portal's fields.
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
