namespace Bitrix24OfflineSync.Tests.Persistence;

// The store contracts on the embedded SQLite database.
public sealed class SqlitePortalRegistryTests() : PortalRegistryContract(new SqliteTarget());

public sealed class SqliteTokenRefreshTests() : TokenRefreshContract(new SqliteTarget());

public sealed class SqliteDrainJournalTests() : DrainJournalContract(new SqliteTarget());

public sealed class SqliteMirrorStoreTests() : MirrorStoreContract(new SqliteTarget());

public sealed class SqliteSchemaMigrationTests() : SchemaMigrationContract(new SqliteTarget());

public sealed class SqliteDrainLeaseTests() : DrainLeaseContract(new SqliteTarget());

public sealed class SqliteMirrorOutageTests() : Sinks.MirrorOutageContract(new SqliteTarget());

public sealed class SqliteMirrorRefusalTests() : Sinks.MirrorRefusalContract(new SqliteTarget());

public sealed class SqliteSinkIndexTests() : Sinks.SinkIndexContract(new SqliteTarget());

public sealed class SqlitePassStoreTests() : Sync.PassStoreContract(new SqliteTarget());

public sealed class SqliteMirrorViewsTests() : Sinks.MirrorViewsContract(new SqliteTarget());

public sealed class SqliteMirrorQueriesTests() : Sinks.MirrorQueriesContract(new SqliteTarget());

public sealed class SqliteSafetyNetTests() : Sync.Scheduling.SafetyNetContract(new SqliteTarget());
