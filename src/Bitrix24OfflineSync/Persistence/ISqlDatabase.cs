using System.Data.Common;

namespace Bitrix24OfflineSync.Persistence;

/// <summary>What a store written once for both providers needs of its database: a connection, and a time as the provider keeps it.</summary>
internal interface ISqlDatabase
{
    Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken);

    /// <summary>The parameter value a time is written as (text on SQLite, a microsecond timestamptz on PostgreSQL).</summary>
    object TimeValue(DateTimeOffset value);
}
