using System.Globalization;
using System.Text.Json.Nodes;

namespace Bitrix24OfflineSync.Emulator.Crm;

/// <summary>
/// The items of one smart-process type (or of the invoices), kept as the universal API answers them: camelCase keys,
/// typed values (<c>"id":24</c>, <c>"opportunity":150.5</c>), user fields under their original <c>UF_CRM_…</c> names.
/// Item IDs are the type's own: two types both have an item 1.
/// </summary>
internal sealed class DynamicItemTable : IItemSet
{
    private readonly Dictionary<string, ItemField> _fields = new(StringComparer.Ordinal);
    private readonly List<string> _userFields = [];

    public DynamicItemTable(SmartProcessType type, Func<DateTimeOffset, string> formatTime)
    {
        Type = type;
        FormatTime = formatTime;
        Standard = DynamicItemFields.Of(type);
        foreach (var field in Standard)
        {
            _fields[field.Name] = field;
            _fields[Tasks.TaskFields.ToUpperSnake(field.Name)] = field;
        }
    }

    public SmartProcessType Type { get; }

    public int EntityTypeId => Type.EntityTypeId;

    public IReadOnlyList<ItemField> Standard { get; }

    public KeyedRows Rows { get; } = new();

    public string IdField => DynamicItemFields.Id;

    public long LastId { get; private set; }

    internal Func<DateTimeOffset, string> FormatTime { get; }

    public ItemField? Field(string name) => _fields.GetValueOrDefault(name);

    public void DefineUserField(string original)
    {
        if (!_userFields.Contains(original, StringComparer.Ordinal))
        {
            _userFields.Add(original);
        }
    }

    public bool HasUserField(string original) => _userFields.Contains(original, StringComparer.Ordinal);

    public void RemoveUserField(string original) => _userFields.Remove(original);

    /// <summary>The user fields its items carry, by their original names.</summary>
    public IReadOnlyList<string> UserFields => _userFields;

    public string? Resolve(string name) =>
        UserFieldNames.ToOriginal(name) is { } userField
            ? (_userFields.Contains(userField, StringComparer.Ordinal) ? userField : null)
            : Field(name)?.Name;

    public IReadOnlyList<string?> Values(JsonObject row, string field) => row[field] switch
    {
        JsonArray values => [.. values.Select(FieldValues.Text)],
        var value => [FieldValues.Text(value)],
    };

    public Func<JsonObject, JsonObject> Projector(ItemSelect? select, bool originalUfNames)
    {
        select ??= ItemSelect.Everything;
        string[] fields = [.. Standard.Select(f => f.Name).Where(f => f == IdField || select.Includes(f))];
        string[] userFields = [.. _userFields.Where(select.Includes)];
        string[] userNames = [.. userFields.Select(f => originalUfNames ? f : UserFieldNames.ToCamel(f))];
        return row =>
        {
            var item = new JsonObject();
            foreach (var field in fields)
            {
                item[field] = row[field]?.DeepClone();
            }

            for (var i = 0; i < userFields.Length; i++)
            {
                item[userNames[i]] = row[userFields[i]]?.DeepClone();
            }

            if (select.All)
            {
                item[DynamicItemFields.EntityTypeId] = EntityTypeId;
            }

            return item;
        };
    }

    public long Add(JsonObject fields, int userId, DateTimeOffset now)
    {
        var id = ++LastId;
        var row = DynamicItemDefaults.NewRow(Type, Standard, id, userId, FormatTime(now), FormatTime);
        DynamicItemWriter.Apply(this, row, fields, isAdd: true);
        DynamicItemDefaults.FillBlanks(Type, row, id, userId);
        Rows.Add(id, row);
        return id;
    }

    /// <summary>Adds an item created at <paramref name="created"/> and last changed at <paramref name="modified"/>; it raises nothing.</summary>
    public long AddExisting(JsonObject fields, int userId, DateTimeOffset created, DateTimeOffset modified)
    {
        var id = Add(fields, userId, created);
        Rows.TryGetValue(id, out var row);
        row!["updatedTime"] = FormatTime(modified);
        return id;
    }

    public bool Update(long id, JsonObject fields, int userId, DateTimeOffset now, out bool changed)
    {
        changed = false;
        if (!Rows.TryGetValue(id, out var row))
        {
            return false;
        }

        var stage = row["stageId"]?.DeepClone();
        changed = DynamicItemWriter.Apply(this, row, fields, isAdd: false);
        if (changed)
        {
            DynamicItemDefaults.FillBlanks(Type, row, id, userId);
            var stamp = FormatTime(now);
            if (!JsonNode.DeepEquals(stage, row["stageId"]))
            {
                (row["previousStageId"], row["movedBy"], row["movedTime"]) = (stage, userId, stamp);
            }

            (row["updatedBy"], row["updatedTime"]) = (userId, stamp);
        }

        return true;
    }

    public bool Delete(long id) => Rows.Remove(id);

    public (string Name, JsonNode Data) Event(string action, long id) =>
        ("ONCRMDYNAMICITEM" + action, new JsonObject
        {
            ["FIELDS"] = new JsonObject
            {
                ["ID"] = id.ToString(CultureInfo.InvariantCulture),
                ["ENTITY_TYPE_ID"] = EntityTypeId.ToString(CultureInfo.InvariantCulture),
            },
        });
}
