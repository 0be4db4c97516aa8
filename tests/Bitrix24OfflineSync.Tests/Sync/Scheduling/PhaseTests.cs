using Bitrix24OfflineSync.Sync;
using Bitrix24OfflineSync.Sync.Drain;
using Bitrix24OfflineSync.Sync.Scheduling;
using Bitrix24OfflineSync.Tests.Sync.Drain;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Bitrix24OfflineSync.Tests.Sync.Scheduling;

/// <summary>
/// Each portal's fixed place in a period: where the safety net polls it after a turn, and where its first pass over the
/// error rows falls after a start; a fleet placed by it is spread evenly, however its turns bunched.
/// </summary>
public sealed class PhaseTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(5);

    private static readonly string[] Fleet = [.. Enumerable.Range(0, 10_000).Select(i => $"{i * 7919:x8}member")];

    [Fact]
    public void APortalsNextSlot_IsHalfAnIntervalToOneAndAHalfAway_AndAPortalOnlyTheSafetyNetWakes_IsPolledOncePerInterval()
    {
        foreach (var memberId in Fleet.Take(500))
        {
            foreach (var after in new[] { T0, T0.AddMilliseconds(1), T0.AddSeconds(149), T0.AddSeconds(151), T0.AddHours(7).AddTicks(3) })
            {
                var slot = SafetyNet.NextSlot(memberId, after, Interval);
                Assert.InRange(slot, after + (Interval / 2), after + (Interval * 1.5) - TimeSpan.FromTicks(1));

                // Polled at its slot, its turn taking anything under half an interval: its next poll is one interval on.
                Assert.Equal(slot + Interval, SafetyNet.NextSlot(memberId, slot, Interval));
                Assert.Equal(slot + Interval, SafetyNet.NextSlot(memberId, slot + (Interval / 2) - TimeSpan.FromTicks(1), Interval));
            }
        }
    }

    [Fact]
    public void TurnsThatAllEndInOneSecond_LeaveTheFleetsNextPollsSpreadEvenlyOverTheInterval()
    {
        // Ten thousand turns ending within a second, as after a start-up sweep faster than the machine: by the old rule
        // (a poll interval after the turn) every next poll would fall in that one second of the next interval.
        var ends = Fleet.Select((_, i) => T0.AddTicks(i * (TimeSpan.TicksPerSecond / Fleet.Length))).ToList();
        var slots = Fleet.Select((m, i) => SafetyNet.NextSlot(m, ends[i], Interval)).ToList();
        var bins = Histogram(slots.Select((s, i) => (s - ends[i] - (Interval / 2)) / Interval), 10);
        Assert.All(bins, n => Assert.InRange(n, 850, 1150));

        // Each slot is its portal's, a second of the interval holding its share of the fleet and no burst.
        var perSecond = slots.GroupBy(s => s.UtcTicks / TimeSpan.TicksPerSecond).Select(g => g.Count()).ToList();
        Assert.True(perSecond.Max() <= 2 * Fleet.Length / Interval.TotalSeconds, $"{perSecond.Max()} portals due in one second, average {Fleet.Length / Interval.TotalSeconds:0.0}");
    }

    [Fact]
    public async Task AfterAStart_TheFleetsFirstPassesOverTheErrorRows_AreSpreadOverTheHour_NotOneIntervalOn()
    {
        var time = new FakeTimeProvider(T0);
        var options = Options.Create(new SyncOptions { ErrorPassInterval = Interval });
        var schedules = new PortalSchedules(new InMemoryReservationJournal(), options, time);
        var waits = new List<TimeSpan>();
        foreach (var memberId in Fleet)
        {
            var schedule = await schedules.ForAsync(memberId);
            waits.Add(schedule.ErrorPassDue - T0);
            Assert.Equal(ErrorRowPass.LongestDelay, schedule.ErrorPassDelay);
        }

        Assert.All(waits, w => Assert.InRange(w, Interval, ErrorRowPass.LongestDelay));
        var bins = Histogram(waits.Select(w => (w - Interval) / (ErrorRowPass.LongestDelay - Interval)), 11);
        Assert.All(bins, n => Assert.InRange(n, 750, 1050));
    }

    /// <summary>How many of the fractions (each in [0, 1)) fall in each of <paramref name="count"/> equal bins.</summary>
    private static int[] Histogram(IEnumerable<double> fractions, int count)
    {
        var bins = new int[count];
        foreach (var fraction in fractions)
        {
            Assert.True(fraction is >= 0 and < 1, $"{fraction} is outside the period");
            bins[(int)(fraction * count)]++;
        }

        return bins;
    }
}
