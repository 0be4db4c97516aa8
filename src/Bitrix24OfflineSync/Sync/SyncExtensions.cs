using Bitrix24OfflineSync.Portals;
using Bitrix24OfflineSync.Sync.Drain;
using Bitrix24OfflineSync.Sync.Journal;
using Bitrix24OfflineSync.Sync.Resolution;
using Bitrix24OfflineSync.Sync.Passes;
using Bitrix24OfflineSync.Sync.Leases;
using Bitrix24OfflineSync.Sync.Scheduling;

namespace Bitrix24OfflineSync.Sync;

internal static class SyncExtensions
{
    public static IServiceCollection AddSync(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddResolution(configuration);
        services.AddOptions<SyncOptions>().Bind(configuration.GetSection(SyncOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IDrainLeases, SqlDrainLeases>();
        services.AddSingleton<IReservationJournal, SqlReservationJournal>();
        services.AddSingleton<IFailureLog, SqlFailureLog>();
        services.AddSingleton<IBasicInbox, SqlBasicInbox>();
        services.AddSingleton<OfflineQueueClient>();
        services.AddSingleton<IOfflineQueue>(sp => sp.GetRequiredService<OfflineQueueClient>());
        services.AddSingleton<LeaseOwner>();
        services.AddSingleton<DrainTurnLease>();
        services.AddSingleton<PlanDetector>();
        services.AddSingleton<IPortalPlans>(sp => sp.GetRequiredService<PlanDetector>());
        services.AddSingleton<ItemFailures>();
        services.AddSingleton<DeadLetterReplays>();
        services.AddSingleton<PortalSchedules>();
        services.AddSingleton<ReservationRound>();
        services.AddSingleton<OrphanRecovery>();
        services.AddSingleton<ErrorRowPass>();
        services.AddSingleton<ReservationDrain>();
        services.AddSingleton<BasicModeDrainer>();
        services.AddSingleton<IPassStore, SqlPassStore>();
        services.AddSingleton<ISmartProcessTypeStore, SqlSmartProcessTypeStore>();
        services.AddSingleton<SyncedEntities>();
        services.AddSingleton<TypeDiscovery>();
        services.AddSingleton<FieldDiscovery>();
        services.AddSingleton<PassPlanner>();
        services.AddSingleton<PassRunner>();
        services.AddSingleton<PortalTurnRunner>();
        services.AddSingleton<SyncMetrics>();
        services.AddSingleton<FleetGauges>();
        services.AddSingleton<DrainHeartbeat>();
        services.AddSingleton<IDrainProgress>(sp => sp.GetRequiredService<DrainHeartbeat>());
        services.AddSingleton<DrainScheduler>();
        services.AddSingleton<IPortalWaker>(sp => sp.GetRequiredService<DrainScheduler>());
        services.AddSingleton<IPollSchedule, SqlPollSchedule>();
        services.AddSingleton<SafetyNet>();
        services.AddSingleton<SchedulingGauges>();
        services.AddHostedService<DrainWorker>();
        services.AddHealthChecks().AddCheck<DrainWorkerHealthCheck>("drain-worker");
        return services;
    }
}
