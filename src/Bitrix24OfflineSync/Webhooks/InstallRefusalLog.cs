namespace Bitrix24OfflineSync.Webhooks;

/// <summary>
/// Logs install refusals (event 1002) at a rate no flood can raise: at most <see cref="MaxPerWindow"/> a minute; the
/// rest are counted, and the first refusal logged in a later window is preceded by how many were not (event 1013).
/// </summary>
internal sealed class InstallRefusalLog(TimeProvider time, ILogger<InstallHandler> logger)
{
    public const int MaxPerWindow = 10;
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    private readonly Lock _sync = new();
    private DateTimeOffset _windowStart = DateTimeOffset.MinValue;
    private int _logged;
    private int _notLogged;

    public void Refused(string reason, string? memberId, string? domain)
    {
        int skipped;
        lock (_sync)
        {
            var now = time.GetUtcNow();
            if (now - _windowStart >= Window)
            {
                _windowStart = now;
                _logged = 0;
            }

            if (_logged >= MaxPerWindow)
            {
                _notLogged++;
                return;
            }

            _logged++;
            skipped = _notLogged;
            _notLogged = 0;
        }

        if (skipped > 0)
        {
            WebhooksLog.InstallRefusalsNotLogged(logger, skipped, MaxPerWindow);
        }

        WebhooksLog.InstallRejected(logger, reason, Untrusted.Clip(memberId), Untrusted.Clip(domain));
    }
}
