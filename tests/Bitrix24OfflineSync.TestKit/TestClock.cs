namespace Bitrix24OfflineSync.TestKit;

/// <summary>Where the tests' fake clocks (<c>FakeTimeProvider</c>) start: a fixed instant, so dates in answers are predictable.</summary>
public static class TestClock
{
    public static readonly DateTimeOffset Start = new(2026, 11, 22, 9, 0, 0, TimeSpan.Zero);
}
