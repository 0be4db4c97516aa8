using Bitrix24OfflineSync.Portals;
using Bitrix24OfflineSync.Sinks;
using Bitrix24OfflineSync.Sinks.Fields;
using Bitrix24OfflineSync.Sync;
using Bitrix24OfflineSync.Sync.Drain;
using Bitrix24OfflineSync.Sync.Journal;
using Bitrix24OfflineSync.Sync.Leases;
using Bitrix24OfflineSync.Sync.Passes;
using Bitrix24OfflineSync.Sync.Resolution;
using Bitrix24OfflineSync.Sync.Turns;
using Bitrix24OfflineSync.Telemetry;
using Bitrix24OfflineSync.TestKit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Bitrix24OfflineSync.Tests.Sync.Drain;

/// <summary>
/// A <see cref="ReservationRound"/> wired as the service wires it, with the real failure counting, metrics, sink
/// commits and lease fencing, over an in-memory queue, journal, failure log and sink, a scripted resolver and a fake clock.
/// </summary>
internal sealed class RoundKit : IDisposable
{
    public const int MaxItemAttempts = 3;

    public static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(30);

    private readonly ServiceProvider _provider;

    public RoundKit()
    {
        Resolver = new ScriptedChangeResolver(Clock);
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddMetrics();
        services.AddOptions<MetricsOptions>();
        services.Configure<SyncOptions>(o =>
        {
            o.MaxItemAttempts = MaxItemAttempts;
            o.RetryDelay = RetryDelay;
        });
        services.AddSingleton<TimeProvider>(Clock);
        services.AddSingleton<IOfflineQueue>(Queue);
        services.AddSingleton<IReservationJournal>(Journal);
        services.AddSingleton<IFailureLog>(Failures);
        services.AddSingleton<IPortalPlans>(Plans);
        services.AddSingleton<IChangeResolver>(Resolver);
        services.AddSingleton<ISyncSink>(Sink);
        services.AddSingleton<IDrainLeases>(Leases);
        services.AddSingleton(Unused<IPortalFieldStore>.Instance);
        services.AddSingleton(Unused<IPortalRegistry>.Instance);
        services.AddSingleton(Unused<IPassStore>.Instance);
        services.AddSingleton<PortalTags>();
        services.AddSingleton<SinkCommits>();
        services.AddSingleton<DrainTurnLease>();
        services.AddSingleton<FleetGauges>();
        services.AddSingleton<SyncMetrics>();
        services.AddSingleton<ItemFailures>();
        services.AddSingleton<PortalSchedules>();
        services.AddSingleton<ReservationRound>();
        _provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        var portal = new PortalRecord(
            "m1", "one.bitrix24.com", new Uri("https://one.bitrix24.com/rest/"), PortalStatus.Active, null, "crm", null, 0, 0, TestClock.Start, TestClock.Start);
        Turn = new TurnContext(portal, new DrainLease(portal.MemberId, "replica-1", 1, TimeSpan.FromMinutes(1)), _provider.GetRequiredService<DrainTurnLease>(), replayRequested: false);
    }

    public FakeTimeProvider Clock { get; } = new(TestClock.Start);

    public InMemoryOfflineQueue Queue { get; } = new();

    public InMemoryReservationJournal Journal { get; } = new();

    public InMemoryFailureLog Failures { get; } = new();

    public RecordingPlans Plans { get; } = new();

    public ScriptedChangeResolver Resolver { get; }

    public RecordingSink Sink { get; } = new();

    public HeldLeases Leases { get; } = new();

    public TurnContext Turn { get; }

    public ReservationRound Round => _provider.GetRequiredService<ReservationRound>();

    public T Get<T>()
        where T : notnull => _provider.GetRequiredService<T>();

    /// <summary>Reserves one reservation of up to 50 rows, as a turn's first round does.</summary>
    public Task<Reserved> ReserveAsync(int gets = 1, int limit = 50, CommittedRound? clearing = null) =>
        Round.ReserveAsync(Turn, gets, limit, errorQueue: false, clearing);

    public void Dispose() => _provider.Dispose();
}
