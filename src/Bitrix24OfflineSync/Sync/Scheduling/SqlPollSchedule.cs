using Bitrix24OfflineSync.Persistence;
using Bitrix24OfflineSync.Portals;
using Dapper;

namespace Bitrix24OfflineSync.Sync.Scheduling;

/// <summary>The portals' next poll times, in the same SQL on both providers (a claim skips locked rows on PostgreSQL).</summary>
internal sealed class SqlPollSchedule(ISqlDatabase database) : IPollSchedule
{
    private static readonly string Active = nameof(PortalStatus.Active);

    public async Task<int> CountActiveAsync(CancellationToken cancellationToken) =>
        Convert.ToInt32(
            await database.ScalarAsync("SELECT COUNT(*) FROM portals WHERE status = @Active;", new { Active }, cancellationToken).ConfigureAwait(false),
            System.Globalization.CultureInfo.InvariantCulture);

    public Task<IReadOnlyList<string>> ClaimDueAsync(DateTimeOffset now, DateTimeOffset next, int limit, CancellationToken cancellationToken) =>
        ClaimAsync(
            "(next_poll_at IS NULL OR next_poll_at <= @Due)",
            "next_poll_at NULLS FIRST, member_id",
            new { Active, Due = database.TimeValue(now), Next = database.TimeValue(next), Limit = limit },
            cancellationToken);

    public Task<IReadOnlyList<string>> ClaimPageAsync(string afterMemberId, DateTimeOffset due, DateTimeOffset next, int limit, CancellationToken cancellationToken) =>
        ClaimAsync(
            $"member_id{database.ByteOrder} > @After AND (next_poll_at IS NULL OR next_poll_at <= @Due)",
            $"member_id{database.ByteOrder}",
            new { Active, After = afterMemberId, Due = database.TimeValue(due), Next = database.TimeValue(next), Limit = limit },
            cancellationToken);

    /// <summary>Moves the next poll of up to @Limit active portals matching <paramref name="where"/>, first in <paramref name="order"/>, to @Next; answers them.</summary>
    private Task<IReadOnlyList<string>> ClaimAsync(string where, string order, object parameters, CancellationToken cancellationToken) =>
        database.RunAsync<IReadOnlyList<string>>(
            async connection =>
            {
                await using var transaction = await database.BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
                var claimed = (await connection.QueryAsync<string>(new CommandDefinition(
                    $"""
                    UPDATE portals SET next_poll_at = @Next
                    WHERE member_id IN (
                        SELECT member_id FROM portals
                        WHERE status = @Active AND {where}
                        ORDER BY {order}
                        LIMIT @Limit{database.SkipLocked})
                    RETURNING member_id;
                    """,
                    parameters,
                    transaction,
                    cancellationToken: cancellationToken)).ConfigureAwait(false)).ToList();
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return claimed;
            },
            cancellationToken);

    public Task SetNextPollAsync(string memberId, DateTimeOffset at, CancellationToken cancellationToken) =>
        database.ExecuteAsync(
            "UPDATE portals SET next_poll_at = @At WHERE member_id = @memberId;",
            new { memberId, At = database.TimeValue(at) },
            cancellationToken);

    public async Task SetNextPollsAsync(IReadOnlyCollection<string> memberIds, DateTimeOffset at, CancellationToken cancellationToken)
    {
        // A statement's parameters are bounded (SQLite: 32,766): a page at a time.
        foreach (var page in memberIds.Chunk(SafetyNet.PageSize))
        {
            await database.ExecuteAsync(
                "UPDATE portals SET next_poll_at = @At WHERE member_id IN @Page;",
                new { Page = page, At = database.TimeValue(at) },
                cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task<IReadOnlyList<(string MemberId, DateTimeOffset LastDrainAt)>> StalePageAsync(
        DateTimeOffset before, string afterMemberId, int limit, CancellationToken cancellationToken) =>
        [.. (await database.QueryAsync<(string MemberId, object LastDrainAt)>(
            $"""
            SELECT p.member_id, s.last_drain_at FROM portals p JOIN portal_sync s ON s.member_id = p.member_id
            WHERE p.status = @Active AND s.last_drain_at < @Before AND p.member_id{database.ByteOrder} > @After
            ORDER BY p.member_id{database.ByteOrder} LIMIT @Limit;
            """,
            new { Active, Before = database.TimeValue(before), After = afterMemberId, Limit = limit },
            cancellationToken).ConfigureAwait(false)).Select(r => (r.MemberId, database.ReadTime(r.LastDrainAt)!.Value))];
}
