using System.Security.Cryptography;

namespace Bitrix24OfflineSync.Tests.Persistence;

/// <summary>
/// One fresh database for one contract test, and the settings that point any number of service instances at it:
/// <c>Storage:Provider</c>, <c>ConnectionStrings:Sync</c> and a shared <c>Storage:EncryptionKey</c>, as an operator sets them.
/// </summary>
public abstract class StoreTarget : IAsyncDisposable
{
    private readonly string _encryptionKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    /// <summary>How many schema versions this provider's migrator knows.</summary>
    public int SchemaVersions => Scripts.Count;

    /// <summary>This provider's migration scripts, one per schema version.</summary>
    public abstract IReadOnlyList<string> Scripts { get; }

    /// <summary>The column type this provider's schema keeps times in.</summary>
    public abstract string TimeType { get; }

    /// <summary>Settings for one more service instance on this target's database (created on first use).</summary>
    public async Task<IDictionary<string, string?>> SettingsAsync()
    {
        var (provider, connectionString) = await PrepareAsync();
        return new Dictionary<string, string?>
        {
            ["Storage:Provider"] = provider,
            ["ConnectionStrings:Sync"] = connectionString,
            ["Storage:EncryptionKey"] = _encryptionKey,
            // The contract tests drive the stores themselves; the worker's safety-net poll stays out of their way.
            ["Sync:PollInterval"] = "1.00:00:00",
        };
    }

    /// <summary>Runs a query that answers one number, straight on the database (to look under the contract).</summary>
    public abstract Task<long> ScalarAsync(string sql);

    /// <summary>Runs a query straight on the database and answers its rows, each by column name (as a tool such as psql or sqlite3 would).</summary>
    public abstract Task<IReadOnlyList<IReadOnlyDictionary<string, object?>>> RowsAsync(string sql);

    /// <summary>Reads every row of a reader, each by column name; a NULL comes back as null.</summary>
    protected static async Task<IReadOnlyList<IReadOnlyDictionary<string, object?>>> ReadAllAsync(System.Data.Common.DbDataReader reader)
    {
        var rows = new List<IReadOnlyDictionary<string, object?>>();
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            var row = new Dictionary<string, object?>(StringComparer.Ordinal);
            for (var i = 0; i < reader.FieldCount; i++)
            {
                row[reader.GetName(i)] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }

            rows.Add(row);
        }

        return rows;
    }

    /// <summary>Makes every write to the mirror table fail, whatever the row, as an outage of the mirror's database would.</summary>
    public abstract Task BreakMirrorAsync();

    /// <summary>Ends what <see cref="BreakMirrorAsync"/> began.</summary>
    public abstract Task RepairMirrorAsync();

    /// <summary>
    /// Makes the mirror refuse the row of one object, as a constraint would (a trigger's RAISE on SQLite, a check
    /// violation on PostgreSQL), while it takes every other row.
    /// </summary>
    public abstract Task RefuseMirrorRowAsync(string entity, string entityId);

    public abstract ValueTask DisposeAsync();

    protected abstract Task<(string Provider, string ConnectionString)> PrepareAsync();
}
