using System.Collections.Concurrent;
using System.Threading.Channels;

namespace Bitrix24OfflineSync.Sync;

/// <summary>
/// Wakes the drain worker for a portal. It only wakes: the durable dirty mark lives in the store, and a periodic
/// poll catches what a lost wake-up would strand. A portal already waiting is not queued twice.
/// </summary>
internal sealed class DrainSignals
{
    private readonly Channel<string> _channel = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<string, bool> _waiting = new(StringComparer.Ordinal);

    public void Wake(string memberId)
    {
        if (_waiting.TryAdd(memberId, true))
        {
            _channel.Writer.TryWrite(memberId);
        }
    }

    public async ValueTask<string> TakeAsync(CancellationToken cancellationToken)
    {
        var memberId = await _channel.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        _waiting.TryRemove(memberId, out _);
        return memberId;
    }
}
