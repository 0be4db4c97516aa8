namespace Bitrix24OfflineSync.Emulator.Diagnostics;

/// <summary>
/// One method call as the server saw it. <see cref="Sequence"/> is drawn from <see cref="BitrixWorld.NextSequence"/>,
/// the same counter tests use to stamp their own steps, so "clear came after commit" can be proven by order.
/// <see cref="RequestId"/> names the HTTP request (hit) the call came in: every command of one batch shares its
/// batch's, so tests can tell which calls travelled together.
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
    bool InBatch,
    long RequestId);
