using Bitrix24OfflineSync.Persistence.Postgres;
using Bitrix24OfflineSync.TestKit;
using Npgsql;

namespace Bitrix24OfflineSync.Tests.Persistence;

/// <summary>
/// A fresh database on the server named by <c>B24SYNC_TEST_POSTGRES</c>, created on first use and dropped afterwards.
/// Without the variable the test is skipped, and says why.
/// </summary>
public sealed class PostgresTarget : StoreTarget
{
    public const string ServerVariable = "B24SYNC_TEST_POSTGRES";

    private readonly string _database = "b24t_" + Guid.NewGuid().ToString("N");
    private readonly SemaphoreSlim _create = new(1, 1);
    private string? _connectionString;

    public override IReadOnlyList<string> Scripts => PostgresMigrations.Scripts;

    public override string TimeType => "timestamptz";

    /// <summary>The server's base connection string; the test is skipped when none is configured.</summary>
    public static string Server
    {
        get
        {
            var server = Environment.GetEnvironmentVariable(ServerVariable);
            if (string.IsNullOrWhiteSpace(server))
            {
                Skip.Because($"PostgreSQL tests need {ServerVariable} (a connection string to a server where they may create databases, e.g. Host=127.0.0.1;Port=5432;Username=postgres); .ci/run starts one.");
            }

            return server;
        }
    }

    public override async Task<long> ScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(await ConnectionStringAsync());
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }

    public override async Task<IReadOnlyList<IReadOnlyDictionary<string, object?>>> RowsAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(await ConnectionStringAsync());
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        return await ReadAllAsync(reader);
    }

    public override Task BreakMirrorAsync() => ScalarAsync(
        """
        CREATE FUNCTION mirror_outage() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'the mirror is down'; END $$;
        CREATE TRIGGER mirror_outage BEFORE INSERT ON mirror FOR EACH ROW EXECUTE FUNCTION mirror_outage();
        """);

    public override Task RepairMirrorAsync() => ScalarAsync("DROP TRIGGER mirror_outage ON mirror;");

    public override Task RefuseMirrorRowAsync(string entity, string entityId) => ScalarAsync(
        $"""
        CREATE FUNCTION mirror_refuses() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
            IF NEW.entity = '{entity}' AND NEW.entity_id = '{entityId}' THEN
                RAISE EXCEPTION 'this row is refused' USING ERRCODE = 'check_violation';
            END IF;
            RETURN NEW;
        END $$;
        CREATE TRIGGER mirror_refuses BEFORE INSERT ON mirror FOR EACH ROW EXECUTE FUNCTION mirror_refuses();
        """);

    /// <summary>Drops the database under running services (as an outage would take it away).</summary>
    public async Task DropAsync()
    {
        if (_connectionString is null)
        {
            return;
        }

        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(Server);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_database} WITH (FORCE);", connection);
        await command.ExecuteNonQueryAsync();
    }

    public override async ValueTask DisposeAsync()
    {
        await DropAsync();
        _create.Dispose();
    }

    protected override async Task<(string Provider, string ConnectionString)> PrepareAsync() => ("Postgres", await ConnectionStringAsync());

    private async Task<string> ConnectionStringAsync()
    {
        await _create.WaitAsync(TestContext.Current.CancellationToken);
        try
        {
            if (_connectionString is null)
            {
                var server = Server;
                await using var connection = new NpgsqlConnection(server);
                await connection.OpenAsync(TestContext.Current.CancellationToken);
                await using var command = new NpgsqlCommand($"CREATE DATABASE {_database};", connection);
                await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
                _connectionString = new NpgsqlConnectionStringBuilder(server) { Database = _database }.ConnectionString;
            }

            return _connectionString;
        }
        finally
        {
            _create.Release();
        }
    }
}
