using System.Data.Common;
using Bitrix24OfflineSync.Persistence;
using Dapper;

namespace Bitrix24OfflineSync.Sinks.Fields;

/// <summary>The field lists and labels, in the same SQL on both providers.</summary>
internal sealed class SqlPortalFieldStore(ISqlDatabase database) : IPortalFieldStore
{
    private const string FieldColumns = "entity, code, state_key, name, type, title, multiple, read_only, required, status_list";

    public async Task<IReadOnlyList<PortalField>> ForEntityAsync(string memberId, string entity, CancellationToken cancellationToken) =>
        [.. (await database.QueryAsync<FieldRow>(
            $"SELECT {FieldColumns} FROM portal_fields WHERE member_id = @memberId AND entity = @entity ORDER BY code{database.ByteOrder};",
            new { memberId, entity },
            cancellationToken).ConfigureAwait(false)).Select(r => r.ToField())];

    public async Task<IReadOnlyList<FieldLabel>> LabelsAsync(string memberId, string entity, CancellationToken cancellationToken) =>
        [.. (await database.QueryAsync<(string Code, string Value, string Label, long Sort)>(
            $"SELECT code, value, label, sort FROM portal_labels WHERE member_id = @memberId AND entity = @entity ORDER BY code{database.ByteOrder}, sort, value{database.ByteOrder};",
            new { memberId, entity },
            cancellationToken).ConfigureAwait(false)).Select(r => new FieldLabel(r.Code, r.Value, r.Label, (int)r.Sort))];

    public async Task<IReadOnlyDictionary<string, DateTimeOffset>> EntitiesAsync(string memberId, CancellationToken cancellationToken) =>
        (await database.QueryAsync<(string Entity, object ReadAt)>(
            "SELECT entity, MAX(read_at) FROM portal_fields WHERE member_id = @memberId GROUP BY entity;",
            new { memberId },
            cancellationToken).ConfigureAwait(false))
            .ToDictionary(r => r.Entity, r => database.ReadTime(r.ReadAt)!.Value, StringComparer.Ordinal);

    public async Task<IReadOnlyList<SharedField>> SharedAsync(CancellationToken cancellationToken) =>
        [.. (await database.QueryAsync<(string Entity, string StateKey, string Name, string Type, object Multiple, string Title, long Portals)>(
            "SELECT entity, state_key, name, type, multiple, title, portals FROM field_variants;",
            null,
            cancellationToken).ConfigureAwait(false))
            .Select(r => new SharedField(r.Entity, r.StateKey, r.Name, r.Type, SqlDatabaseExtensions.ReadBool(r.Multiple), r.Title, (int)r.Portals))];

    public Task<bool> SaveAsync(string memberId, IReadOnlyList<EntityFields> read, IReadOnlyCollection<string> kept, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var at = database.TimeValue(now);
        var readEntities = read.Select(e => e.Entity).ToHashSet(StringComparer.Ordinal);
        bool Kept(string entity) => kept.Contains(entity) && !readEntities.Contains(entity);
        return database.RunAsync(
            async connection =>
            {
                await using var transaction = await database.BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
                var (fields, labels) = await HeldAsync(connection, transaction, memberId, cancellationToken).ConfigureAwait(false);
                var nextFields = fields.Where(f => Kept(f.Entity))
                    .Concat(read.SelectMany(e => e.Fields.Select(f => (e.Entity, Field: f, ReadAt: (object?)at))))
                    .ToList();
                var nextLabels = labels.Where(l => Kept(l.Entity))
                    .Concat(read.SelectMany(e => e.Labels.Select(l => (e.Entity, Label: l))))
                    .ToList();
                var changed = !fields.Select(f => (f.Entity, f.Field)).ToHashSet().SetEquals(nextFields.Select(f => (f.Entity, f.Field))) ||
                    !labels.ToHashSet().SetEquals(nextLabels);
                if (changed)
                {
                    await CountVariantsAsync(connection, transaction, fields.Select(f => Variant(f.Entity, f.Field)), nextFields.Select(f => Variant(f.Entity, f.Field)), cancellationToken).ConfigureAwait(false);
                    await Execute(connection, transaction, "DELETE FROM portal_fields WHERE member_id = @memberId; DELETE FROM portal_labels WHERE member_id = @memberId;", new { memberId }, cancellationToken).ConfigureAwait(false);
                    await database.ExecuteEachAsync(
                        connection,
                        transaction,
                        $"INSERT INTO portal_fields (member_id, {FieldColumns}, read_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12);",
                        nextFields.Select(r => new object?[]
                        {
                            memberId, r.Entity, r.Field.Code, r.Field.StateKey, r.Field.Name, r.Field.Type, r.Field.Title,
                            r.Field.Multiple, r.Field.ReadOnly, r.Field.Required, r.Field.StatusList, r.ReadAt,
                        }),
                        cancellationToken).ConfigureAwait(false);
                    await database.ExecuteEachAsync(
                        connection,
                        transaction,
                        "INSERT INTO portal_labels (member_id, entity, code, value, label, sort) VALUES ($1, $2, $3, $4, $5, $6);",
                        nextLabels.Select(r => new object?[] { memberId, r.Entity, r.Label.Code, r.Label.Value, r.Label.Label, r.Label.Sort }),
                        cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await Execute(
                        connection,
                        transaction,
                        $"UPDATE portal_fields SET read_at = @at WHERE member_id = @memberId AND {database.AnyOf("entity", "entities")};",
                        new { memberId, at, entities = readEntities.ToArray() },
                        cancellationToken).ConfigureAwait(false);
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return changed;
            },
            cancellationToken);
    }

    public Task DeletePortalAsync(string memberId, CancellationToken cancellationToken) =>
        database.RunAsync(
            async connection =>
            {
                await using var transaction = await database.BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
                var (fields, _) = await HeldAsync(connection, transaction, memberId, cancellationToken).ConfigureAwait(false);
                await CountVariantsAsync(connection, transaction, fields.Select(f => Variant(f.Entity, f.Field)), [], cancellationToken).ConfigureAwait(false);
                await Execute(connection, transaction, "DELETE FROM portal_fields WHERE member_id = @memberId; DELETE FROM portal_labels WHERE member_id = @memberId;", new { memberId }, cancellationToken).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            },
            cancellationToken);

    /// <summary>
    /// Counts a portal's change of fields into <c>field_variants</c>: a variant it no longer has loses the portal, one
    /// it has now gains it, and a variant no portal has is gone. In key order, so that two portals saving at once take
    /// their row locks in the same order.
    /// </summary>
    private async Task CountVariantsAsync(DbConnection connection, DbTransaction transaction, IEnumerable<SharedField> held, IEnumerable<SharedField> next, CancellationToken cancellationToken)
    {
        var before = held.ToHashSet();
        var after = next.ToHashSet();
        static IEnumerable<SharedField> Ordered(IEnumerable<SharedField> variants) =>
            variants.OrderBy(v => v.Entity, StringComparer.Ordinal).ThenBy(v => v.StateKey, StringComparer.Ordinal).ThenBy(v => v.Name, StringComparer.Ordinal)
                .ThenBy(v => v.Type, StringComparer.Ordinal).ThenBy(v => v.Multiple).ThenBy(v => v.Title, StringComparer.Ordinal);
        const string Key = "entity = $1 AND state_key = $2 AND name = $3 AND type = $4 AND multiple = $5 AND title = $6";
        var gone = Ordered(before.Except(after)).Select(v => new object?[] { v.Entity, v.StateKey, v.Name, v.Type, v.Multiple, v.Title }).ToList();
        await database.ExecuteEachAsync(connection, transaction, $"UPDATE field_variants SET portals = portals - 1 WHERE {Key};", gone, cancellationToken).ConfigureAwait(false);
        await database.ExecuteEachAsync(connection, transaction, $"DELETE FROM field_variants WHERE {Key} AND portals <= 0;", gone, cancellationToken).ConfigureAwait(false);
        await database.ExecuteEachAsync(
            connection,
            transaction,
            """
            INSERT INTO field_variants (entity, state_key, name, type, multiple, title, portals) VALUES ($1, $2, $3, $4, $5, $6, 1)
            ON CONFLICT (entity, state_key, name, type, multiple, title) DO UPDATE SET portals = field_variants.portals + 1;
            """,
            [.. Ordered(after.Except(before)).Select(v => new object?[] { v.Entity, v.StateKey, v.Name, v.Type, v.Multiple, v.Title })],
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>What a field contributes to the views: its variant, counted once per portal.</summary>
    private static SharedField Variant(string entity, PortalField field) => new(entity, field.StateKey, field.Name, field.Type, field.Multiple, field.Title, 0);

    private async Task<(List<(string Entity, PortalField Field, object? ReadAt)> Fields, List<(string Entity, FieldLabel Label)> Labels)> HeldAsync(
        DbConnection connection, DbTransaction transaction, string memberId, CancellationToken cancellationToken)
    {
        var fields = (await connection.QueryAsync<FieldRow>(new CommandDefinition(
            $"SELECT {FieldColumns}, read_at FROM portal_fields WHERE member_id = @memberId{database.RowLock};", new { memberId }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false))
            .Select(r => (r.entity, r.ToField(), r.read_at))
            .ToList();
        var labels = (await connection.QueryAsync<(string Entity, string Code, string Value, string Label, long Sort)>(new CommandDefinition(
            "SELECT entity, code, value, label, sort FROM portal_labels WHERE member_id = @memberId;", new { memberId }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false))
            .Select(r => (r.Entity, new FieldLabel(r.Code, r.Value, r.Label, (int)r.Sort)))
            .ToList();
        return (fields, labels);
    }

    private static Task<int> Execute(DbConnection connection, DbTransaction transaction, string sql, object parameters, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(sql, parameters, transaction, cancellationToken: cancellationToken));

    // Rows read by property: flags come back as each provider keeps them.
    private sealed class FieldRow
    {
        public string entity { get; set; } = "";

        public string code { get; set; } = "";

        public string state_key { get; set; } = "";

        public string name { get; set; } = "";

        public string type { get; set; } = "";

        public string title { get; set; } = "";

        public object multiple { get; set; } = false;

        public object read_only { get; set; } = false;

        public object required { get; set; } = false;

        public string? status_list { get; set; }

        public object? read_at { get; set; }

        public PortalField ToField() => new(
            code, state_key, name, type, title,
            SqlDatabaseExtensions.ReadBool(multiple), SqlDatabaseExtensions.ReadBool(read_only), SqlDatabaseExtensions.ReadBool(required), status_list);
    }
}
