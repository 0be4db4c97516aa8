using Bitrix24OfflineSync.Sync;

namespace Bitrix24OfflineSync.Tests.Infrastructure;

/// <summary>
/// The drain's progress as a test sees it: each phase boundary runs the callback a test gives for it, and a phase
/// without one passes silently. A callback that blocks holds the round at that boundary, and one that throws stops it
/// there, as a crash at that point would; so a test says in a line or two what it needs instead of writing a double.
/// </summary>
internal sealed class DrainProbe : IDrainProgress
{
    public Action<string, IReadOnlyCollection<string>>? OnReserved { get; init; }

    public Action<string, IReadOnlyCollection<string>>? OnFetched { get; init; }

    public Action<string, IReadOnlyCollection<string>>? OnCommitted { get; init; }

    public Action<string, IReadOnlyCollection<string>>? OnClearing { get; init; }

    public Action<string, IReadOnlyCollection<string>>? OnCleared { get; init; }

    /// <summary>One callback for every phase, told the phase by its method's name ("Reserved" … "Cleared").</summary>
    public static DrainProbe AtEveryPhase(Action<string> onPhase) => new()
    {
        OnReserved = (_, _) => onPhase(nameof(Reserved)),
        OnFetched = (_, _) => onPhase(nameof(Fetched)),
        OnCommitted = (_, _) => onPhase(nameof(Committed)),
        OnClearing = (_, _) => onPhase(nameof(Clearing)),
        OnCleared = (_, _) => onPhase(nameof(Cleared)),
    };

    public void Reserved(string memberId, IReadOnlyCollection<string> processIds) => OnReserved?.Invoke(memberId, processIds);

    public void Fetched(string memberId, IReadOnlyCollection<string> processIds) => OnFetched?.Invoke(memberId, processIds);

    public void Committed(string memberId, IReadOnlyCollection<string> processIds) => OnCommitted?.Invoke(memberId, processIds);

    public void Clearing(string memberId, IReadOnlyCollection<string> processIds) => OnClearing?.Invoke(memberId, processIds);

    public void Cleared(string memberId, IReadOnlyCollection<string> processIds) => OnCleared?.Invoke(memberId, processIds);
}
