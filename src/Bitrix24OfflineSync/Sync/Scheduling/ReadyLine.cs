namespace Bitrix24OfflineSync.Sync.Scheduling;

/// <summary>The two lines of portals ready for a turn; the worker always takes from the urgent one first.</summary>
internal enum ReadyLine
{
    /// <summary>News to drain: a doorbell, a backlog left by the last turn, a retry, an operating-time reset, an install.</summary>
    Urgent,

    /// <summary>Nothing known to drain: the safety net's sweep and start-up pass, a drift check falling due.</summary>
    Background,
}
