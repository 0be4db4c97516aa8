using System.Globalization;
using System.Security.Cryptography;
using Bitrix24OfflineSync.Emulator;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Bitrix24OfflineSync.Benchmarks;

/// <summary>
/// Where a benchmark's service instances keep their state: a throwaway data folder (SQLite) or a database created on
/// the PostgreSQL server <c>B24SYNC_BENCH_POSTGRES</c> names and dropped afterwards; and the settings that point the
/// service binary at it and at an emulator.
/// </summary>
internal sealed class BenchStorage : IAsyncDisposable
{
    private readonly string? _server;
    private readonly string _key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    private BenchStorage(string data, string? server, string? database)
    {
        Data = data;
        _server = server;
        Database = database;
    }

    public string Data { get; }

    /// <summary>The PostgreSQL database's connection string; null on SQLite.</summary>
    public string? Database { get; }

    public static async Task<BenchStorage> CreateAsync(string? postgresServer)
    {
        var data = Path.Combine(Path.GetTempPath(), "b24sync-bench", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(data);
        if (postgresServer is null)
        {
            return new BenchStorage(data, null, null);
        }

        var name = "b24sync_bench_" + Guid.NewGuid().ToString("N")[..12];
        await using var connection = new NpgsqlConnection(postgresServer);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
        await command.ExecuteNonQueryAsync();
        return new BenchStorage(data, postgresServer, new NpgsqlConnectionStringBuilder(postgresServer) { Database = name, MaxPoolSize = 20 }.ConnectionString);
    }

    /// <summary>The service binary's settings (environment variables) for this storage and <paramref name="world"/>.</summary>
    public Dictionary<string, string> Settings(BitrixWorld world)
    {
        var settings = new Dictionary<string, string>
        {
            ["Storage__DataDirectory"] = Data,
            ["Storage__EncryptionKey"] = _key,
            ["Bitrix24__ClientId"] = world.DefaultApp.ClientId,
            ["Bitrix24__ClientSecret"] = world.DefaultApp.ClientSecret,
            ["Bitrix24__OAuthServer"] = world.OAuthServerAddress.ToString(),
            ["Bitrix24__AllowInsecureEndpoints"] = "true",
            // The emulator serves every portal on one host: the per-host cap would otherwise be the fleet's.
            ["Bitrix24__MaxConnectionsPerHost"] = "1024",
            ["Sync__PollInterval"] = "01:00:00",
            ["Serilog__MinimumLevel__Default"] = Environment.GetEnvironmentVariable("B24SYNC_BENCH_LOG_LEVEL") ?? "Warning",
        };
        foreach (var (key, value) in BenchService.UnlimitedInstalls)
        {
            settings[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        if (Database is not null)
        {
            settings["Storage__Provider"] = "Postgres";
            settings["ConnectionStrings__Sync"] = Database;
        }

        return settings;
    }

    public async Task<long> ScalarAsync(string sql)
    {
        if (Database is null)
        {
            await using var sqlite = new SqliteConnection($"Data Source={Path.Combine(Data, "sync.db")};Mode=ReadOnly;Pooling=False");
            await sqlite.OpenAsync();
            await using var query = sqlite.CreateCommand();
            query.CommandText = sql;
            return Convert.ToInt64(await query.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
        }

        await using var connection = new NpgsqlConnection(Database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    public async ValueTask DisposeAsync()
    {
        if (Database is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await using var connection = new NpgsqlConnection(_server);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS {new NpgsqlConnectionStringBuilder(Database).Database} WITH (FORCE)", connection);
            await command.ExecuteNonQueryAsync();
        }

        SqliteConnection.ClearAllPools();
        if (Directory.Exists(Data))
        {
            Directory.Delete(Data, recursive: true);
        }
    }
}
