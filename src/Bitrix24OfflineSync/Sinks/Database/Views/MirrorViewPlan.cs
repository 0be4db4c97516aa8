using System.Security.Cryptography;
using System.Text;
using Bitrix24OfflineSync.Persistence;
using Bitrix24OfflineSync.Sinks.Fields;

namespace Bitrix24OfflineSync.Sinks.Database.Views;

/// <summary>One column of an entity view that holds a field, as <c>b24_fields</c> and <c>b24_labels</c> name it.</summary>
internal sealed record ViewColumn(string View, string Column, string Entity, string StateKey, string SqlType, string Title);

/// <summary>
/// The views as SQL, from the fields the portals have: per entity <c>b24_{entity}</c> (its live objects) and
/// <c>b24_{entity}_all</c> (with the tombstones and the deleted flag), each column read from the state and converted
/// so that no value can fail a query, and commented with the field's title where the provider keeps comments; then
/// <c>b24_fields</c> (every portal's fields and titles, by view and column) and <c>b24_labels</c> (the labels of list
/// values). The digest says whether the views in place are these.
/// </summary>
internal sealed class MirrorViewPlan
{
    /// <summary>Letters and the bar a money value's currency follows (<c>150.50|USD</c>): cut off the right, the amount is left.</summary>
    private const string CurrencyTail = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz|";

    private readonly ISqlDatabase _database;
    private readonly List<string> _views = [];
    private readonly List<string> _statements = [];
    private readonly List<ViewColumn> _columns = [];

    private MirrorViewPlan(ISqlDatabase database) => _database = database;

    /// <summary>The views' names, in the order they are made.</summary>
    public IReadOnlyList<string> Views => _views;

    public IReadOnlyList<string> Statements => _statements;

    public IReadOnlyList<ViewColumn> Columns => _columns;

    public string Digest => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', [.. _statements, .. _columns.Select(c => c.ToString())]))));

    public static MirrorViewPlan Build(IReadOnlyList<SharedField> shared, ISqlDatabase database)
    {
        var plan = new MirrorViewPlan(database);
        foreach (var entity in shared.GroupBy(f => f.Entity, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            plan.AddEntity(entity.Key, [.. entity.GroupBy(f => f.StateKey, StringComparer.Ordinal).Select(Merge)]);
        }

        plan.AddCatalogs();
        return plan;
    }

    /// <summary>A field as the portals have it: the kind they agree on, and the name and title most of them give it.</summary>
    private static MergedField Merge(IGrouping<string, SharedField> variants)
    {
        static string Most(IEnumerable<(string Value, int Portals)> values) =>
            values.GroupBy(v => v.Value, StringComparer.Ordinal).OrderByDescending(g => g.Sum(v => v.Portals)).ThenBy(g => g.Key, StringComparer.Ordinal).First().Key;

        return new MergedField(
            variants.Key,
            Most(variants.Select(v => (v.Name, v.Portals))),
            ColumnKinds.Merge(variants.Select(v => ColumnKinds.Of(v.Type, v.Multiple))),
            Most(variants.Select(v => (v.Title, v.Portals))));
    }

    private void AddEntity(string entity, IReadOnlyList<MergedField> fields)
    {
        var names = ViewNames.Columns(fields.Select(f => (f.StateKey, f.Name)));
        var idTitle = fields.FirstOrDefault(f => names[f.StateKey] == ViewNames.Id)?.Title ?? "ID";
        var columns = fields
            .Where(f => names[f.StateKey] != ViewNames.Id)
            .OrderBy(f => f.Name.StartsWith("UF_", StringComparison.OrdinalIgnoreCase) ? 1 : 0)
            .ThenBy(f => names[f.StateKey], StringComparer.Ordinal)
            .Select(f => (Column: names[f.StateKey], Field: f))
            .ToList();
        var view = ViewNames.View(entity);
        _columns.AddRange(fields.Select(f => new ViewColumn(view, names[f.StateKey], entity, f.StateKey, names[f.StateKey] == ViewNames.Id ? "integer" : f.Kind.SqlName(), f.Title)));

        foreach (var (name, all) in new[] { (view, false), (ViewNames.AllView(entity), true) })
        {
            var select = new List<(string Column, string Expression, string Comment)>
            {
                (ViewNames.MemberId, "m.member_id", "The portal's member_id"),
                (ViewNames.Id, "m.entity_num", idTitle),
            };
            select.AddRange(columns.Select(c => (c.Column, Read(c.Field), c.Field.Title)));
            select.Add((ViewNames.ModifiedAt, "m.modified_at", "When the portal last changed the object"));
            select.Add((ViewNames.SyncedAt, "m.synced_at", "When the mirror last wrote the object"));
            select.Add((ViewNames.Origin, "m.origin", "Where the mirror's last write came from: event, load or repair"));
            if (all)
            {
                select.Add((ViewNames.Deleted, "m.deleted", "The object is gone from the portal (a tombstone)"));
            }

            AddView(
                name,
                $"SELECT {string.Join(", ", select.Select(s => $"{s.Expression} AS {ViewNames.Quote(s.Column)}"))} " +
                $"FROM mirror m WHERE m.entity = {_database.Literal(entity)} AND m.entity_num IS NOT NULL{(all ? "" : " AND NOT m.deleted")}",
                select.Select(s => (s.Column, s.Comment)));
        }
    }

    /// <summary>How a field's column reads the state: the key's text, converted, or its JSON.</summary>
    private string Read(MergedField field)
    {
        var text = _database.JsonText("m.state", field.StateKey);
        return field.Kind switch
        {
            ColumnKind.Integer => _database.TryConvert(text, SqlScalar.Integer),
            ColumnKind.Numeric => _database.TryConvert(text, SqlScalar.Numeric),
            ColumnKind.Money => _database.TryConvert($"rtrim({text}, '{CurrencyTail}')", SqlScalar.Numeric),
            ColumnKind.Date => _database.TryConvert(text, SqlScalar.Date),
            ColumnKind.Timestamp => _database.TryConvert(text, SqlScalar.Timestamp),
            ColumnKind.Boolean => $"(CASE lower({text}) WHEN 'y' THEN TRUE WHEN '1' THEN TRUE WHEN 'true' THEN TRUE WHEN 'n' THEN FALSE WHEN '0' THEN FALSE WHEN 'false' THEN FALSE END)",
            // A JSON null is NULL, so that a query that takes the value apart meets SQL's NULL, not a JSON scalar.
            ColumnKind.Json => $"NULLIF({_database.JsonValue("m.state", field.StateKey)}, 'null')",
            _ => text,
        };
    }

    private void AddCatalogs()
    {
        AddView(
            "b24_fields",
            "SELECT f.member_id, f.entity, c.view_name, c.column_name, f.code, f.type, c.sql_type, f.title, f.multiple, f.read_only, f.required, f.read_at " +
            "FROM portal_fields f LEFT JOIN mirror_view_columns c ON c.entity = f.entity AND c.state_key = f.state_key",
            [
                ("member_id", "The portal's member_id"), ("entity", "The synced entity, e.g. crm.deal"),
                ("view_name", "The view that has the field"), ("column_name", "The field's column in that view"),
                ("code", "The field's code on the portal"), ("type", "The field's type on the portal"), ("sql_type", "The column's type"),
                ("title", "What the portal calls the field"), ("multiple", "The field holds several values"),
                ("read_only", "The portal does not let the field be written"), ("required", "The portal requires the field"),
                ("read_at", "When the portal's fields were last read"),
            ]);
        AddView(
            "b24_labels",
            "SELECT l.member_id, l.entity, c.view_name, c.column_name, l.code, l.value, l.label, l.sort " +
            "FROM portal_labels l JOIN portal_fields f ON f.member_id = l.member_id AND f.entity = l.entity AND f.code = l.code " +
            "LEFT JOIN mirror_view_columns c ON c.entity = f.entity AND c.state_key = f.state_key",
            [
                ("member_id", "The portal's member_id"), ("entity", "The synced entity, e.g. crm.deal"),
                ("view_name", "The view that has the field"), ("column_name", "The field's column in that view"),
                ("code", "The field's code on the portal"), ("value", "A value the field holds, e.g. C2:WON"),
                ("label", "What the portal shows for that value"), ("sort", "The value's place in the portal's list"),
            ]);
    }

    private void AddView(string name, string select, IEnumerable<(string Column, string Comment)> comments)
    {
        _views.Add(name);
        _statements.Add($"CREATE VIEW {ViewNames.Quote(name)} AS {select};");
        foreach (var (column, comment) in comments)
        {
            if (_database.ColumnComment(ViewNames.Quote(name), ViewNames.Quote(column), Clean(comment)) is { } statement)
            {
                _statements.Add(statement);
            }
        }
    }

    private static string Clean(string text) => new([.. text.Select(c => char.IsControl(c) ? ' ' : c)]);

    private sealed record MergedField(string StateKey, string Name, ColumnKind Kind, string Title);
}
