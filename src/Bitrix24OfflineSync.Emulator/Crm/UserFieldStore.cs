using System.Globalization;
using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Emulator.Portals;

namespace Bitrix24OfflineSync.Emulator.Crm;

/// <summary>
/// The user fields defined on the portal's CRM entities (<c>crm.deal</c>, <c>crm.contact</c>, <c>crm.company</c>,
/// <c>crm.lead</c>, and <c>crm.item.{entityTypeId}</c> for a smart process or the invoices), as an admin makes and
/// deletes them: a new field is in the entity's field list at once and objects carry it (empty until set); a deleted
/// one leaves the list and every object's value goes with it, as on the server. A field an object is given without a
/// definition is kept too and described as a string field. Names are taken as given once they start with <c>UF_</c>,
/// so that tests can try names a portal would refuse.
/// </summary>
public sealed class UserFieldStore
{
    private readonly EmulatedPortal _portal;
    private readonly Dictionary<(string Entity, string Field), (UserFieldDefinition Definition, IReadOnlyList<UserFieldItem> Items)> _defined = [];
    private long _lastItemId = 100;

    internal UserFieldStore(EmulatedPortal portal) => _portal = portal;

    /// <summary>Defines a user field; its list items get ids, which are answered. Throws for an unknown entity or a name taken.</summary>
    public IReadOnlyList<UserFieldItem> Add(string entity, UserFieldDefinition field)
    {
        ArgumentNullException.ThrowIfNull(field);
        if (!field.FieldName.StartsWith("UF_", StringComparison.Ordinal))
        {
            throw new ArgumentException($"A user field's name starts with UF_, not '{field.FieldName}'.", nameof(field));
        }

        lock (_portal.Sync)
        {
            var table = Table(entity) ?? throw new ArgumentException($"No CRM entity {entity} on {_portal.Domain}.", nameof(entity));
            if (table.Has(field.FieldName))
            {
                throw new ArgumentException($"{entity} has a field {field.FieldName} already.", nameof(field));
            }

            var items = (field.Items ?? []).Select(value => new UserFieldItem((++_lastItemId).ToString(CultureInfo.InvariantCulture), value)).ToList();
            _defined[(entity, field.FieldName)] = (field, items);
            table.Define(field.FieldName);
            return items;
        }
    }

    /// <summary>Deletes a user field and every object's value of it; false when the entity has no such field.</summary>
    public bool Remove(string entity, string fieldName)
    {
        lock (_portal.Sync)
        {
            if (Table(entity) is not { } table || !table.Has(fieldName))
            {
                return false;
            }

            _defined.Remove((entity, fieldName));
            table.Remove(fieldName);
            return true;
        }
    }

    /// <summary>The fields defined for <paramref name="entity"/> (not those objects were merely given).</summary>
    public IReadOnlyList<UserFieldDefinition> Of(string entity)
    {
        lock (_portal.Sync)
        {
            return [.. _defined.Where(d => d.Key.Entity == entity).Select(d => d.Value.Definition)];
        }
    }

    /// <summary>The items of a list field, with their ids.</summary>
    public IReadOnlyList<UserFieldItem> ItemsOf(string entity, string fieldName)
    {
        lock (_portal.Sync)
        {
            return _defined.TryGetValue((entity, fieldName), out var defined) ? defined.Items : [];
        }
    }

    /// <summary>
    /// A user field as the field lists describe it. The classic lists give the field's name as its title and the label
    /// in <c>listLabel</c>, <c>formLabel</c> and <c>filterLabel</c>; the universal one gives the label as the title too.
    /// </summary>
    internal JsonObject Describe(string entity, string fieldName, bool universal)
    {
        var (definition, items) = _defined.TryGetValue((entity, fieldName), out var defined) ? defined : (new UserFieldDefinition(fieldName), []);
        var label = definition.Label ?? fieldName;
        var description = new JsonObject
        {
            ["type"] = definition.UserTypeId,
            ["isRequired"] = definition.Mandatory,
            ["isReadOnly"] = false,
            ["isImmutable"] = false,
            ["isMultiple"] = definition.Multiple,
            ["isDynamic"] = true,
        };
        if (definition.UserTypeId == "enumeration")
        {
            description["items"] = new JsonArray([.. items.Select(i => (JsonNode)new JsonObject { ["ID"] = i.Id, ["VALUE"] = i.Value })]);
        }

        description["title"] = universal ? label : fieldName;
        description["listLabel"] = label;
        description["formLabel"] = label;
        description["filterLabel"] = label;
        description["settings"] = new JsonObject();
        if (universal)
        {
            description["upperName"] = fieldName;
        }

        return description;
    }

    /// <summary>The table that keeps the entity's objects, with its user fields; null for an unknown entity.</summary>
    private UserFieldTable? Table(string entity)
    {
        if (CrmEntityDefinition.All.FirstOrDefault(d => "crm." + d.Name == entity) is { } classic)
        {
            return new UserFieldTable(_portal.Crm.Table(classic.Type));
        }

        return entity.StartsWith("crm.item.", StringComparison.Ordinal) &&
            int.TryParse(entity.AsSpan("crm.item.".Length), NumberStyles.None, CultureInfo.InvariantCulture, out var entityTypeId) &&
            _portal.SmartProcesses.Table(entityTypeId) is { } items
                ? new UserFieldTable(items)
                : null;
    }

    /// <summary>A classic entity's table or a smart process's, as far as user fields go.</summary>
    private sealed class UserFieldTable
    {
        private readonly CrmEntityTable? _classic;
        private readonly DynamicItemTable? _items;

        public UserFieldTable(CrmEntityTable classic) => _classic = classic;

        public UserFieldTable(DynamicItemTable items) => _items = items;

        public bool Has(string field) => _classic?.HasUserField(field) ?? _items!.HasUserField(field);

        public void Define(string field)
        {
            _classic?.DefineUserField(field);
            _items?.DefineUserField(field);
        }

        public void Remove(string field)
        {
            var rows = _classic?.Rows ?? _items!.Rows;
            foreach (var row in rows.Values)
            {
                row.Remove(field);
            }

            _classic?.RemoveUserField(field);
            _items?.RemoveUserField(field);
        }
    }
}
