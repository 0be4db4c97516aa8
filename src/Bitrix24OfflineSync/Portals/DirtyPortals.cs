using System.Collections.Concurrent;
using Bitrix24OfflineSync.Persistence;

namespace Bitrix24OfflineSync.Portals;

/// <summary>
/// Marking a portal dirty, the one thing a doorbell does after it is verified: the durable signal in the store, the
/// in-memory flag that spares the next doorbells a write, and a wake-up of the drain worker. On a database shared by
/// replicas every doorbell writes the signal (another replica's worker may have consumed it since this one cached
/// "dirty"). Signal writes are coalesced per portal: doorbells that arrive while a write is under way are answered by
/// the next write, which starts after they arrived, so a burst of a thousand doorbells costs two writes.
/// </summary>
internal sealed class DirtyPortals(IPortalSyncState state, KnownPortals knownPortals, IPortalWaker wakeUps, ISqlDatabase database)
{
    private readonly ConcurrentDictionary<string, Slot> _slots = new(StringComparer.Ordinal);

    /// <summary>
    /// Marks the portal dirty and wakes the worker, and once more after <paramref name="lookAgainAfter"/> (a doorbell
    /// stands for the changes Bitrix24 rings no doorbell for within its <c>minTimeout</c>); answers whether the durable
    /// signal was written.
    /// </summary>
    public async ValueTask<bool> MarkAsync(string memberId, KnownPortal portal, TimeSpan lookAgainAfter, CancellationToken cancellationToken)
    {
        var write = !portal.Dirty || database.SharedByReplicas;
        if (write)
        {
            await WriteSignalAsync(memberId, cancellationToken).ConfigureAwait(false);
            knownPortals.MarkDirty(memberId);
        }

        wakeUps.Wake(memberId);
        wakeUps.WakeAgainAfter(memberId, lookAgainAfter);
        return write;
    }

    /// <summary>
    /// The worker takes the portal's signals before it drains: a doorbell from here on marks the portal dirty again,
    /// and its turn goes round once more.
    /// </summary>
    public async Task ConsumeAsync(string memberId, CancellationToken cancellationToken)
    {
        await state.ConsumeSignalsAsync(memberId, cancellationToken).ConfigureAwait(false);
        knownPortals.MarkConsumed(memberId);
    }

    private async Task WriteSignalAsync(string memberId, CancellationToken cancellationToken)
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
                await state.SignalAsync(memberId, CancellationToken.None).ConfigureAwait(false);
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
