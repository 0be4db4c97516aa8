namespace Bitrix24OfflineSync.Persistence.Postgres;

/// <summary>
/// PostgreSQL keeps timestamps to the microsecond, .NET to 100 ns. Every time is truncated to the microsecond (and
/// put in UTC, which timestamptz needs) before it is written, so a value written twice compares equal to itself and
/// the mirror's never-backwards check sees the same instants the database holds.
/// </summary>
internal static class PostgresTime
{
    private const long TicksPerMicrosecond = TimeSpan.TicksPerMillisecond / 1000;

    public static DateTimeOffset Write(DateTimeOffset value)
    {
        var utc = value.ToUniversalTime();
        return utc.AddTicks(-(utc.Ticks % TicksPerMicrosecond));
    }

    public static DateTimeOffset? Write(DateTimeOffset? value) => value is { } v ? Write(v) : null;

    /// <summary>Npgsql reads timestamptz as a UTC <see cref="DateTime"/>.</summary>
    public static DateTimeOffset Read(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));

    public static DateTimeOffset? Read(DateTime? value) => value is { } v ? Read(v) : null;
}
