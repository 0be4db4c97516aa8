using System.Threading.Channels;
using Bitrix24OfflineSync.Bitrix;

namespace Bitrix24OfflineSync.Registration;

/// <summary>
/// Registers a portal's events after an install, in the background: the install is answered at once, and a
/// registration that fails (the portal slow, the budget spent) is tried again a few times.
/// </summary>
internal sealed class RegistrationQueue(EventRegistrar registrar, TimeProvider time, ILogger<RegistrationQueue> logger) : BackgroundService
{
    private const int Attempts = 3;
    private readonly Channel<string> _pending = Channel.CreateUnbounded<string>();

    public void Schedule(string memberId) => _pending.Writer.TryWrite(memberId);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var memberId in _pending.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                await RegisterAsync(memberId, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task RegisterAsync(string memberId, CancellationToken stoppingToken)
    {
        for (var attempt = 1; attempt <= Attempts; attempt++)
        {
            try
            {
                await registrar.RegisterAsync(memberId, replaceOtherHandlers: false, stoppingToken).ConfigureAwait(false);
                return;
            }
            catch (Exception ex) when (ex is BitrixUnavailableException or BitrixApiException or PortalNeedsReauthException)
            {
                RegistrationLog.RegistrationFailed(logger, ex, memberId, ex.Message);
                if (attempt < Attempts)
                {
                    await Task.Delay(TimeSpan.FromSeconds(5 * attempt), time, stoppingToken).ConfigureAwait(false);
                }
            }
        }
    }
}
