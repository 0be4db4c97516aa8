namespace Bitrix24OfflineSync.Sync.Model;

/// <summary>A batch of queue rows reserved under one process id (from the error rows when <see cref="ErrorQueue"/>).</summary>
internal sealed record Reservation(string ProcessId, bool ErrorQueue, IReadOnlyList<OfflineEvent> Events);
