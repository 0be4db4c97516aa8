using System.Collections.Concurrent;
using Bitrix24OfflineSync.Portals;

namespace Bitrix24OfflineSync.Webhooks;

/// <summary>
/// Writes a portal's dirty signal for the doorbells that need one, at most one write per portal at a time: doorbells
/// that arrive while a write is under way are answered by the next write, which starts after they arrived. A burst of
/// a thousand doorbells costs two writes, not a thousand connections.
/// </summary>
internal sealed class SignalWriter(IPortalRegistry registry)
{
    private readonly ConcurrentDictionary<string, Slot> _slots = new(StringComparer.Ordinal);

    public async Task SignalAsync(string memberId, CancellationToken cancellationToken)
    {
        var slot = _slots.GetOrAdd(memberId, _ => new Slot());
        Task? next = null;
        lock (slot)
        {
            if (slot.Writing)
            {
                slot.Next ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                next = slot.Next.Task;
            }
            else
            {
                slot.Writing = true;
            }
        }

        if (next is not null)
        {
            await next.WaitAsync(cancellationToken).ConfigureAwait(false);
            return;
        }

        TaskCompletionSource? serving = null;
        try
        {
            while (true)
            {
                await registry.SignalAsync(memberId, CancellationToken.None).ConfigureAwait(false);
                serving?.TrySetResult();
                lock (slot)
                {
                    if (slot.Next is null)
                    {
                        slot.Writing = false;
                        return;
                    }

                    serving = slot.Next;
                    slot.Next = null;
                }
            }
        }
        catch (Exception ex)
        {
            serving?.TrySetException(ex);
            lock (slot)
            {
                slot.Writing = false;
                slot.Next?.TrySetException(ex);
                slot.Next = null;
            }

            throw;
        }
    }

    private sealed class Slot
    {
        public bool Writing { get; set; }

        public TaskCompletionSource? Next { get; set; }
    }
}
