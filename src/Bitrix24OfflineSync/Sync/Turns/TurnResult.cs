namespace Bitrix24OfflineSync.Sync.Turns;

/// <summary>
/// What a part of a portal's turn did, as a value: a round, a recovery, the passes, a feature's step. The turn adds
/// its parts up with <see cref="And"/>, and the worker reads the sum to know when the portal is due again.
/// </summary>
internal sealed record TurnResult
{
    public static readonly TurnResult None = new();

    /// <summary>Queue rows taken through to the sinks.</summary>
    public int Events { get; init; }

    /// <summary>Objects committed to the sinks.</summary>
    public int Objects { get; init; }

    /// <summary>Rounds spent of the turn's <see cref="SyncOptions.RoundsPerTurn"/> (a reservation round, a pass step).</summary>
    public int Rounds { get; init; }

    /// <summary>The turn was used up with work left: the portal gets another turn at once.</summary>
    public bool MoreWork { get; init; }

    /// <summary>Rows were marked with <c>event.offline.error</c>: the error rows are worth a pass soon.</summary>
    public bool MarkedErrorRows { get; init; }

    /// <summary>Reservations were left for a later attempt (failed items, a failed round): the portal needs a turn when they are due.</summary>
    public bool RetryPending { get; init; }

    /// <summary>When the portal's next drift check falls due, as the passes found it (null: none planned or unknown).</summary>
    public DateTimeOffset? NextCheckAt { get; init; }

    /// <summary>
    /// A method the turn needs is paused for its operating time until then: the turn ends, and the portal's next turn
    /// is due at that time. This is the one shape a pause takes once it leaves the REST client.
    /// </summary>
    public DateTimeOffset? PausedUntil { get; init; }

    public static TurnResult Paused(DateTimeOffset? until) => until is null ? None : new() { PausedUntil = until };

    /// <summary>This part and then <paramref name="next"/>: counts add up, flags hold if either set them, the later pause wins.</summary>
    public TurnResult And(TurnResult next) => new()
    {
        Events = Events + next.Events,
        Objects = Objects + next.Objects,
        Rounds = Rounds + next.Rounds,
        MoreWork = MoreWork || next.MoreWork,
        MarkedErrorRows = MarkedErrorRows || next.MarkedErrorRows,
        RetryPending = RetryPending || next.RetryPending,
        NextCheckAt = next.NextCheckAt ?? NextCheckAt,
        PausedUntil = Later(PausedUntil, next.PausedUntil),
    };

    private static DateTimeOffset? Later(DateTimeOffset? first, DateTimeOffset? second) =>
        first is null ? second : second is null || first >= second ? first : second;
}
