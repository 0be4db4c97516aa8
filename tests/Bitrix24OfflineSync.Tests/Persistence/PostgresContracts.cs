namespace Bitrix24OfflineSync.Tests.Persistence;

// The store contracts on PostgreSQL (skipped, with the reason, when B24SYNC_TEST_POSTGRES is not set).
public sealed class PostgresPortalRegistryTests() : PortalRegistryContract(new PostgresTarget());

public sealed class PostgresTokenRefreshTests() : TokenRefreshContract(new PostgresTarget());

public sealed class PostgresDrainJournalTests() : DrainJournalContract(new PostgresTarget());

public sealed class PostgresMirrorStoreTests() : MirrorStoreContract(new PostgresTarget());

public sealed class PostgresSchemaMigrationTests() : SchemaMigrationContract(new PostgresTarget());

public sealed class PostgresDrainLeaseTests() : DrainLeaseContract(new PostgresTarget());

public sealed class PostgresMirrorOutageTests() : Sinks.MirrorOutageContract(new PostgresTarget());

public sealed class PostgresMirrorRefusalTests() : Sinks.MirrorRefusalContract(new PostgresTarget());

public sealed class PostgresSinkIndexTests() : Sinks.SinkIndexContract(new PostgresTarget());

public sealed class PostgresPassStoreTests() : Sync.PassStoreContract(new PostgresTarget());

public sealed class PostgresMirrorViewsTests() : Sinks.MirrorViewsContract(new PostgresTarget());

public sealed class PostgresMirrorQueriesTests() : Sinks.MirrorQueriesContract(new PostgresTarget());

public sealed class PostgresSafetyNetTests() : Sync.Scheduling.SafetyNetContract(new PostgresTarget());
