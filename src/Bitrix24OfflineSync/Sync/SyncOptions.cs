using System.ComponentModel.DataAnnotations;

namespace Bitrix24OfflineSync.Sync;

/// <summary>The <c>Sync</c> configuration section: how the drain worker schedules and sizes its work.</summary>
internal sealed class SyncOptions
{
    public const string Section = "Sync";

    /// <summary>The safety net: every active portal is drained this often even without a doorbell.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "1.00:00:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// How often the stored dirty marks are looked at: a portal marked by another process (a doorbell taken by
    /// another replica, the <c>portals resync</c> verb) is taken up within this time.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "1.00:00:00")]
    public TimeSpan SignalScanInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The drain's cadence: a portal's turns start at most this often while it has no backlog left (a turn that left
    /// one goes on at once). Doorbells in between are served when it ends. Zero drains at every doorbell.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan MinDrainInterval { get; set; } = TimeSpan.FromSeconds(6);

    /// <summary>
    /// Turns in flight at once in this process. A turn mostly waits on Bitrix24, holding no database connection while it
    /// does, so this is high: each portal's own request budget and operating time are what limit its requests, and
    /// this only caps the memory and sockets of turns in flight. Lower it to spare a small database (every turn makes
    /// short database calls between its requests) or the sinks.
    /// </summary>
    [Range(1, 4096)]
    public int MaxConcurrentDrains { get; set; } = 256;

    /// <summary>Reserve-fetch-commit-clear rounds a portal gets per turn before others get theirs.</summary>
    [Range(1, 10_000)]
    public int RoundsPerTurn { get; set; } = 16;

    /// <summary>The <c>limit</c> of each <c>event.offline.get</c>: the rows one reservation (one process id) holds at most.</summary>
    [Range(1, 1000)]
    public int GetLimit { get; set; } = 100;

    /// <summary>
    /// The <c>limit</c> of a turn's first reservation (and of the look after a round that was not full): one
    /// <c>event.offline.get</c> of up to this many rows, so a moderate backlog is reserved, fetched and cleared in three
    /// requests. The server sets no maximum (bitrix24-api.md §1); at most 1,000, the limit of a re-read by process id.
    /// </summary>
    [Range(1, 1000)]
    public int FirstGetLimit { get; set; } = 500;

    /// <summary>
    /// The most <c>event.offline.get</c> commands one reservation request carries (each reserves its own process id). A
    /// turn starts with one and grows to this while they come back full; at most 25, so that a round's clears and the
    /// next reservation fit the 50 commands of one batch request.
    /// </summary>
    [Range(1, 25)]
    public int GetsPerRequest { get; set; } = 25;

    /// <summary>Failures of one queue row (not limits, not transient faults) before it is dead-lettered.</summary>
    [Range(1, 1000)]
    public int MaxItemAttempts { get; set; } = 5;

    /// <summary>How long a reservation that failed (fetch, sink, or objects in it) waits before it is re-read and tried again.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "1.00:00:00")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the error rows (marked with event.offline.error) are tried again; the wait doubles, up to an hour, while they keep coming back.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "7.00:00:00")]
    public TimeSpan ErrorPassInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How often reserved rows nobody recorded (a reservation whose answer was lost) are looked for.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "7.00:00:00")]
    public TimeSpan OrphanScanInterval { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// How long a replica's hold on a portal lasts without renewal (it checks it between rounds, before each commit and
    /// clear, and renews it once a third of this has passed); a crashed replica's portals are taken over by another after this.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "1.00:00:00")]
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// How often each entity of a portal is compared with the sink and repaired (a drift check); zero turns it off.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "365.00:00:00")]
    public TimeSpan ReconcileInterval { get; set; } = TimeSpan.FromDays(1);

    /// <summary>
    /// The same for portals whose plan lacks rest_offline_extended: their queue can lose rows (a read whose answer is
    /// lost), so they are checked more often; zero turns it off.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "365.00:00:00")]
    public TimeSpan BasicReconcileInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long a portal's plan feature (rest_offline_extended) is trusted before it is asked again.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "30.00:00:00")]
    public TimeSpan PlanRecheckInterval { get; set; } = TimeSpan.FromHours(24);
}
