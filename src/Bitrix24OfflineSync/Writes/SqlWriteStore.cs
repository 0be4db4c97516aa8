using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Persistence;
using Dapper;

namespace Bitrix24OfflineSync.Writes;

/// <summary>The write queue in the service's database, in the same SQL on both providers.</summary>
internal sealed class SqlWriteStore(ISqlDatabase database) : IWriteStore
{
    private const string Columns =
        "seq, member_id, write_key, entity, action, object_id, fields, if_unmodified_since, status, sent, attempts, error_code, error_message, accepted_at, applied_at";

    public Task<WriteAcceptance> AcceptAsync(string memberId, IReadOnlyList<WriteRequest> writes, DateTimeOffset now, CancellationToken cancellationToken) =>
        database.RunAsync(
            async connection =>
            {
                await using var transaction = await database.BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
                var statuses = new List<(string, string, bool)>(writes.Count);
                foreach (var write in writes)
                {
                    var hash = ContentHash(write);

                    // A concurrent request with the same key waits on the unique index and then finds the row.
                    var inserted = await connection.ExecuteAsync(new CommandDefinition(
                        """
                        INSERT INTO writes (member_id, write_key, content_hash, entity, action, object_id, fields, if_unmodified_since, status, accepted_at, updated_at)
                        VALUES (@memberId, @key, @hash, @entity, @action, @id, @fields, @since, 'queued', @now, @now)
                        ON CONFLICT (member_id, write_key) DO NOTHING;
                        """,
                        new
                        {
                            memberId, key = write.Key, hash, entity = write.Entity, action = write.Action, id = write.Id,
                            fields = write.Fields?.ToJsonString(), since = database.TimeValue(write.IfUnmodifiedSince), now = database.TimeValue(now),
                        },
                        transaction,
                        cancellationToken: cancellationToken)).ConfigureAwait(false);
                    var stored = await connection.QuerySingleAsync<(string Hash, string Status)>(new CommandDefinition(
                        "SELECT content_hash, status FROM writes WHERE member_id = @memberId AND write_key = @key;",
                        new { memberId, key = write.Key },
                        transaction,
                        cancellationToken: cancellationToken)).ConfigureAwait(false);
                    if (stored.Hash != hash)
                    {
                        await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
                        return new WriteAcceptance([], write.Key);
                    }

                    statuses.Add((write.Key, stored.Status, inserted == 1));
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return new WriteAcceptance(statuses, null);
            },
            cancellationToken);

    public async Task<StoredWrite?> FindAsync(string memberId, string key, CancellationToken cancellationToken) =>
        (await database.QueryAsync<Row>(
            $"SELECT {Columns} FROM writes WHERE member_id = @memberId AND write_key = @key;", new { memberId, key }, cancellationToken).ConfigureAwait(false))
            .Select(r => r.ToWrite(database)).SingleOrDefault();

    public async Task<IReadOnlyList<StoredWrite>> OpenAsync(string memberId, int limit, CancellationToken cancellationToken) =>
        [.. (await database.QueryAsync<Row>(
            $"SELECT {Columns} FROM writes WHERE member_id = @memberId AND status IN ('queued', 'applying') ORDER BY seq LIMIT @limit;",
            new { memberId, limit },
            cancellationToken).ConfigureAwait(false)).Select(r => r.ToWrite(database))];

    public Task MarkSentAsync(IReadOnlyCollection<long> seqs, DateTimeOffset now, CancellationToken cancellationToken) =>
        seqs.Count == 0
            ? Task.CompletedTask
            : database.ExecuteAsync(
                $"UPDATE writes SET status = 'applying', sent = 1, attempts = attempts + 1, updated_at = @now WHERE {database.AnyOf("seq", "seqs")};",
                new { seqs = seqs.ToArray(), now = database.TimeValue(now) },
                cancellationToken);

    public Task FinishAsync(long seq, WriteOutcome outcome, DateTimeOffset now, CancellationToken cancellationToken) =>
        database.ExecuteAsync(
            """
            UPDATE writes SET status = @Status, object_id = COALESCE(@ObjectId, object_id), error_code = @ErrorCode, error_message = @ErrorMessage,
                applied_at = CASE WHEN @Status = 'applied' THEN @now ELSE applied_at END, updated_at = @now
            WHERE seq = @seq;
            """,
            new
            {
                seq, outcome.Status, outcome.ObjectId, outcome.ErrorCode, outcome.ErrorMessage, now = database.TimeValue(now),
            },
            cancellationToken);

    public async Task<IReadOnlyList<StoredWrite>> ListAsync(string memberId, string? status, int limit, CancellationToken cancellationToken) =>
        [.. (await database.QueryAsync<Row>(
            $"SELECT {Columns} FROM writes WHERE member_id = @memberId AND (@status IS NULL OR status = @status) ORDER BY seq DESC LIMIT @limit;",
            new { memberId, status, limit },
            cancellationToken).ConfigureAwait(false)).Select(r => r.ToWrite(database))];

    public async Task<bool> RetryAsync(string memberId, string key, DateTimeOffset now, CancellationToken cancellationToken) =>
        await database.ExecuteAsync(
            """
            UPDATE writes SET status = 'queued', attempts = 0, error_code = NULL, error_message = NULL, updated_at = @now
            WHERE member_id = @memberId AND write_key = @key AND status IN ('failed', 'conflict');
            """,
            new { memberId, key, now = database.TimeValue(now) },
            cancellationToken).ConfigureAwait(false) == 1;

    public async Task<IReadOnlyList<string>> PortalsWithOpenWritesAsync(CancellationToken cancellationToken) =>
        [.. await database.QueryAsync<string>(
            "SELECT DISTINCT member_id FROM writes WHERE status IN ('queued', 'applying');", null, cancellationToken).ConfigureAwait(false)];

    /// <summary>The same key with the same content is the same write: entity, action, id, fields and condition, as JSON.</summary>
    internal static string ContentHash(WriteRequest write)
    {
        var content = new JsonArray(
            write.Entity, write.Action, write.Id, write.Fields?.DeepClone(),
            write.IfUnmodifiedSince?.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(content.ToJsonString())));
    }

    // Rows read by property: times and flags come back as each provider keeps them.
    private sealed class Row
    {
        public long seq { get; set; }

        public string member_id { get; set; } = "";

        public string write_key { get; set; } = "";

        public string entity { get; set; } = "";

        public string action { get; set; } = "";

        public string? object_id { get; set; }

        public string? fields { get; set; }

        public object? if_unmodified_since { get; set; }

        public string status { get; set; } = "";

        public object sent { get; set; } = 0;

        public int attempts { get; set; }

        public string? error_code { get; set; }

        public string? error_message { get; set; }

        public object accepted_at { get; set; } = "";

        public object? applied_at { get; set; }

        public StoredWrite ToWrite(ISqlDatabase database) => new(
            seq,
            member_id,
            new WriteRequest(write_key, entity, action, object_id, fields is null ? null : JsonNode.Parse(fields) as JsonObject, database.ReadTime(if_unmodified_since)),
            status,
            SqlDatabaseExtensions.ReadBool(sent),
            attempts,
            error_code,
            error_message,
            database.ReadTime(accepted_at)!.Value,
            database.ReadTime(applied_at));
    }
}
