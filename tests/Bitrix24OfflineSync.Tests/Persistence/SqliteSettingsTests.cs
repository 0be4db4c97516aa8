using Bitrix24OfflineSync.Persistence;
using Bitrix24OfflineSync.Persistence.Sqlite;
using Dapper;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Options;

namespace Bitrix24OfflineSync.Tests.Persistence;

/// <summary>
/// Every connection the embedded database hands out waits for a busy writer and commits durably, whether it was made
/// for this open or taken from the pool (where its settings were made once, when it was).
/// </summary>
public sealed class SqliteSettingsTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "b24sync-tests", "settings-" + Guid.NewGuid().ToString("N"));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AConnectionFromThePool_AndANewOne_BothCommitDurablyAndWaitForABusyWriter()
    {
        Directory.CreateDirectory(_folder);
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:Sync"] = $"Data Source={Path.Combine(_folder, "sync.db")}" })
            .Build();
        var database = new SqliteDatabase(configuration, Options.Create(new StorageOptions()), new HostingEnvironment { ContentRootPath = _folder });

        var first = await ReadAsync(database);
        var pooled = await ReadAsync(database);
        SqliteConnection.ClearAllPools();
        var made = await ReadAsync(database);

        Assert.Same(first.Handle, pooled.Handle);
        Assert.NotSame(first.Handle, made.Handle);
        Assert.All([first, pooled, made], s => Assert.Equal((Synchronous: 2L, BusyTimeout: 10_000L, ForeignKeys: 1L), (s.Synchronous, s.BusyTimeout, s.ForeignKeys)));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    private static Task<Settings> ReadAsync(SqliteDatabase database) => database.RunAsync(
        async connection => new Settings(
            ((SqliteConnection)connection).Handle!,
            await connection.ExecuteScalarAsync<long>("PRAGMA synchronous;"),
            await connection.ExecuteScalarAsync<long>("PRAGMA busy_timeout;"),
            await connection.ExecuteScalarAsync<long>("PRAGMA foreign_keys;")),
        Ct);

    private sealed record Settings(SQLitePCL.sqlite3 Handle, long Synchronous, long BusyTimeout, long ForeignKeys);
}
