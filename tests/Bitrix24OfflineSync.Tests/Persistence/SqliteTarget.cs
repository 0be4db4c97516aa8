using Bitrix24OfflineSync.Persistence.Sqlite;
using Microsoft.Data.Sqlite;

namespace Bitrix24OfflineSync.Tests.Persistence;

/// <summary>A fresh SQLite file in a folder of its own; several instances share it as processes on one host would.</summary>
public sealed class SqliteTarget : StoreTarget
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "b24sync-tests", "store-" + Guid.NewGuid().ToString("N"));

    public override IReadOnlyList<string> Scripts => SqliteMigrations.Scripts;

    public override string TimeType => "TEXT";

    private string DatabasePath => Path.Combine(_folder, "sync.db");

    public override async Task<long> ScalarAsync(string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={DatabasePath}");
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }

    public override async Task<IReadOnlyList<IReadOnlyDictionary<string, object?>>> RowsAsync(string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={DatabasePath}");
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        return await ReadAllAsync(reader);
    }

    // A write that meets a table that is not there fails as SQLite's generic error does, not as a constraint: the
    // database fails every write, whatever the row.
    public override Task BreakMirrorAsync() =>
        ScalarAsync("CREATE TRIGGER mirror_outage BEFORE INSERT ON mirror BEGIN INSERT INTO mirror_is_down VALUES (1); END;");

    public override Task RefuseMirrorRowAsync(string entity, string entityId) =>
        ScalarAsync($"CREATE TRIGGER mirror_refuses BEFORE INSERT ON mirror WHEN NEW.entity = '{entity}' AND NEW.entity_id = '{entityId}' BEGIN SELECT RAISE(ABORT, 'this row is refused'); END;");

    public override Task RepairMirrorAsync() => ScalarAsync("DROP TRIGGER mirror_outage;");

    public override ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open is left for the OS to clean with the temp folder.
        }

        return ValueTask.CompletedTask;
    }

    protected override Task<(string Provider, string ConnectionString)> PrepareAsync()
    {
        Directory.CreateDirectory(_folder);
        return Task.FromResult(("Sqlite", $"Data Source={DatabasePath}"));
    }
}
