using Bitrix24OfflineSync.Persistence;
using Bitrix24OfflineSync.Sinks.Fields;
using Dapper;

namespace Bitrix24OfflineSync.Sinks.Database.Views;

/// <summary>
/// Puts the views of <see cref="MirrorViewPlan"/> in place: in one transaction the views of the last build are
/// dropped and the new ones made, so a query sees the old views or the new, never half of them. The row of
/// <c>mirror_views</c> is locked first, so that replicas build one after the other, and keeps the last build's views
/// and digest: when the plan is the same, nothing is touched. Requests that come while a build runs are served by one
/// more build after it.
/// </summary>
internal sealed class MirrorViews(ISqlDatabase database, IPortalFieldStore fields, TimeProvider time, ILogger<MirrorViews> logger) : IDisposable
{
    private readonly SemaphoreSlim _building = new(1, 1);
    private int _requested;

    /// <summary>Whether the last build failed: the next request builds even when no field changed.</summary>
    public bool Stale { get; private set; }

    /// <summary>Brings the views in line with the field lists; false when they already were. Throws <see cref="StorageUnavailableException"/> when the database refused.</summary>
    public async Task<bool> RefreshAsync(CancellationToken cancellationToken)
    {
        Interlocked.Exchange(ref _requested, 1);
        await _building.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var replaced = false;
            while (Interlocked.Exchange(ref _requested, 0) == 1)
            {
                replaced |= await BuildAsync(cancellationToken).ConfigureAwait(false);
            }

            return replaced;
        }
        finally
        {
            _building.Release();
        }
    }

    public void Dispose() => _building.Dispose();

    private async Task<bool> BuildAsync(CancellationToken cancellationToken)
    {
        try
        {
            // Most requests find the views as they should be: that is seen without taking the builders' lock (on SQLite
            // the database's write lock), and the lock is taken only to build.
            var last = await database.ScalarAsync("SELECT digest FROM mirror_views WHERE id = 1;", null, cancellationToken).ConfigureAwait(false) as string;
            if (MirrorViewPlan.Build(await fields.SharedAsync(cancellationToken).ConfigureAwait(false), database).Digest == last)
            {
                Stale = false;
                return false;
            }

            var built = await database.RunAsync(
                async connection =>
                {
                    await using var transaction = await database.BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
                    var last = await connection.QuerySingleAsync<(string Views, string Digest)>(new CommandDefinition(
                        $"SELECT views, digest FROM mirror_views WHERE id = 1{database.RowLock};", transaction: transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
                    var plan = MirrorViewPlan.Build(await fields.SharedAsync(cancellationToken).ConfigureAwait(false), database);
                    if (plan.Digest == last.Digest)
                    {
                        return (Plan: plan, Replaced: false);
                    }

                    var drop = last.Views.Split(',', StringSplitOptions.RemoveEmptyEntries).Concat(plan.Views).Distinct(StringComparer.Ordinal);
                    foreach (var statement in drop.Select(v => $"DROP VIEW IF EXISTS {ViewNames.Quote(v)};").Concat(plan.Statements))
                    {
                        await connection.ExecuteAsync(new CommandDefinition(statement, transaction: transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
                    }

                    await connection.ExecuteAsync(new CommandDefinition("DELETE FROM mirror_view_columns;", transaction: transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
                    await database.ExecuteEachAsync(
                        connection,
                        transaction,
                        "INSERT INTO mirror_view_columns (view_name, column_name, entity, state_key, sql_type, title) VALUES ($1, $2, $3, $4, $5, $6);",
                        plan.Columns.Select(c => new object?[] { c.View, c.Column, c.Entity, c.StateKey, c.SqlType, c.Title }),
                        cancellationToken).ConfigureAwait(false);
                    await connection.ExecuteAsync(new CommandDefinition(
                        "UPDATE mirror_views SET views = @views, digest = @digest, built_at = @at WHERE id = 1;",
                        new { views = string.Join(',', plan.Views), digest = plan.Digest, at = database.TimeValue(time.GetUtcNow()) },
                        transaction,
                        cancellationToken: cancellationToken)).ConfigureAwait(false);
                    await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                    return (Plan: plan, Replaced: true);
                },
                cancellationToken).ConfigureAwait(false);
            Stale = false;
            if (built.Replaced)
            {
                MirrorLog.ViewsReplaced(logger, built.Plan.Views.Count, built.Plan.Columns.Count);
            }

            return built.Replaced;
        }
        catch (StorageUnavailableException ex)
        {
            Stale = true;
            MirrorLog.ViewsNotReplaced(logger, ex, ex.Reason);
            throw;
        }
    }
}
