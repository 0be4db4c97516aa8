namespace Bitrix24OfflineSync.Emulator.Diagnostics;

/// <summary>
/// One method call as the server saw it. <see cref="Sequence"/> is drawn from <see cref="BitrixWorld.NextSequence"/>,
/// the same counter tests use to stamp their own steps, so "clear came after commit" can be proven by order.
/// </summary>
public sealed record CallLogEntry(
    long Sequence,
    DateTimeOffset At,
    string Portal,
    string Method,
    string? ClientId,
    int Status,
    string? ErrorCode,
    string? ProcessId,
    bool InBatch);
