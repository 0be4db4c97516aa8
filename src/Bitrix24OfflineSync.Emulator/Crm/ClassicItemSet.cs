using System.Text.Json.Nodes;

namespace Bitrix24OfflineSync.Emulator.Crm;

/// <summary>
/// A classic entity (lead, deal, contact, company) seen through <c>crm.item.*</c>: the same rows <c>crm.deal.*</c>
/// serves, named and typed in camelCase. Changes made this way raise the entity's own events
/// (<c>ONCRMDEALUPDATE</c> with an int ID), never <c>ONCRMDYNAMICITEM*</c> (on-crm-dynamic-item-update.md).
/// </summary>
internal sealed class ClassicItemSet : IItemSet
{
    private readonly CrmStore _store;
    private readonly CrmEntityTable _table;
    private readonly Dictionary<string, string> _upperByName = new(StringComparer.Ordinal);

    public ClassicItemSet(CrmStore store, CrmEntityType type)
    {
        _store = store;
        _table = store.Table(type);
        Type = type;
        foreach (var upper in _table.Definition.StandardFields)
        {
            var camel = ClassicItemNames.ToCamel(type, upper);
            _upperByName[camel] = upper;
            _upperByName[upper] = upper;
            _upperByName.TryAdd(Tasks.TaskFields.ToUpperSnake(camel), upper);
        }
    }

    public CrmEntityType Type { get; }

    public int EntityTypeId => ClassicItemNames.EntityTypeId(Type);

    public KeyedRows Rows => _table.Rows;

    public string IdField => ListQuery.IdField;

    public string? Resolve(string name) =>
        UserFieldNames.ToOriginal(name) is { } userField
            ? (_table.HasUserField(userField) ? userField : null)
            : _upperByName.GetValueOrDefault(name);

    public IReadOnlyList<string?> Values(JsonObject row, string field) => row[field] switch
    {
        JsonArray values => [.. values.Select(v => v is JsonObject entry ? FieldValues.Text(entry["VALUE"]) : FieldValues.Text(v))],
        var value => [FieldValues.Text(value)],
    };

    public Func<JsonObject, JsonObject> Projector(ItemSelect? select, bool originalUfNames)
    {
        select ??= ItemSelect.Everything;
        string[] fields = [.. _table.Definition.StandardFields.Where(f => f == IdField || select.Includes(f)), .. _table.UserFields.Where(select.Includes)];
        string[] names = [.. fields.Select(f => originalUfNames && UserFieldNames.IsOriginal(f) ? f : ClassicItemNames.ToCamel(Type, f))];
        var withMultifields = select.All && _table.Definition.HasMultiFields;
        return row =>
        {
            var item = new JsonObject();
            for (var i = 0; i < fields.Length; i++)
            {
                item[names[i]] = ClassicItemNames.Value(fields[i], row[fields[i]]);
            }

            if (withMultifields)
            {
                item["fm"] = ClassicItemNames.Multifields(row);
            }

            if (select.All)
            {
                item[DynamicItemFields.EntityTypeId] = EntityTypeId;
            }

            return item;
        };
    }

    public long Add(JsonObject fields, int userId, DateTimeOffset now) => _store.Add(Type, ToUpper(fields), userId, now);

    public bool Update(long id, JsonObject fields, int userId, DateTimeOffset now, out bool changed) =>
        changed = _store.Update(Type, id, ToUpper(fields), userId, now);

    public bool Delete(long id) => _store.Delete(Type, id);

    public (string Name, JsonNode Data) Event(string action, long id) =>
        (_table.Definition.EventPrefix + action, new JsonObject { ["FIELDS"] = new JsonObject { ["ID"] = id } });

    /// <summary>The caller's camelCase fields under the stored names; names the entity lacks are dropped.</summary>
    private JsonObject ToUpper(JsonObject fields)
    {
        var upper = new JsonObject();
        foreach (var (name, value) in fields)
        {
            if ((UserFieldNames.ToOriginal(name) ?? _upperByName.GetValueOrDefault(name)) is { } field)
            {
                upper[field] = value?.DeepClone();
            }
        }

        return upper;
    }
}
