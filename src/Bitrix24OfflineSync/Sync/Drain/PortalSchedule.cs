using System.Collections.Concurrent;
using Bitrix24OfflineSync.Sync.Journal;
using Bitrix24OfflineSync.Sync.Scheduling;
using Microsoft.Extensions.Options;

namespace Bitrix24OfflineSync.Sync.Drain;

/// <summary>
/// When a portal's occasional passes are next due: the orphan scan (at once only when the journal says a reservation's
/// answer may have been lost, otherwise on its interval) and the pass over the error rows (soon after rows were marked,
/// otherwise on its interval, backing off while it finds nothing or keeps finding the same rows).
/// </summary>
internal sealed class PortalSchedule
{
    public DateTimeOffset OrphanScanDue { get; set; }

    public DateTimeOffset ErrorPassDue { get; set; }

    public TimeSpan ErrorPassDelay { get; set; }

    /// <summary>The gets of the next turn's first reservation: one, or the size a turn that left a backlog had reached.</summary>
    public int FirstGets { get; set; } = 1;
}

/// <summary>Each portal's <see cref="PortalSchedule"/>, made at its first turn in this process.</summary>
internal sealed class PortalSchedules(IReservationJournal journal, IOptions<SyncOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, PortalSchedule> _schedules = new(StringComparer.Ordinal);

    /// <summary>
    /// The portal's schedule. A new one has its orphan scan due at once only when the journal says a reservation's
    /// answer may have been lost. Its pass over the error rows waits as long as it would after passes that found
    /// nothing new (the process does not know how long the portal's passes had backed off), and the first falls at the
    /// portal's place in that wait, after one interval at least: after a start a fleet's first passes are spread over
    /// the hour instead of coming together one interval on. Rows this process marks bring the pass back to its interval.
    /// </summary>
    public async Task<PortalSchedule> ForAsync(string memberId)
    {
        if (_schedules.TryGetValue(memberId, out var schedule))
        {
            return schedule;
        }

        var now = time.GetUtcNow();
        var mayHaveOrphans = await journal.MayHaveOrphansAsync(memberId, CancellationToken.None).ConfigureAwait(false);
        return _schedules.GetOrAdd(memberId, _ => new PortalSchedule
        {
            OrphanScanDue = mayHaveOrphans ? DateTimeOffset.MinValue : now + options.Value.OrphanScanInterval,
            ErrorPassDue = now + FirstErrorPassAfter(memberId, options.Value.ErrorPassInterval),
            ErrorPassDelay = Max(options.Value.ErrorPassInterval, ErrorRowPass.LongestDelay),
        });
    }

    private static TimeSpan FirstErrorPassAfter(string memberId, TimeSpan interval) =>
        interval + Phases.In(memberId, Max(ErrorRowPass.LongestDelay - interval, TimeSpan.Zero));

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    /// <summary>A reservation's answer was lost: the server may hold rows no one knows of, so the orphan scan is due at once.</summary>
    public async Task OrphansPossibleAsync(string memberId) =>
        (await ForAsync(memberId).ConfigureAwait(false)).OrphanScanDue = DateTimeOffset.MinValue;
}
