using System.Globalization;
using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Emulator.Portals;

namespace Bitrix24OfflineSync.Emulator.Crm;

/// <summary>
/// The portal's CRM deals, contacts, companies and leads. Values are kept as the server outputs them: strings,
/// with IDs like <c>"12"</c>. Methods change it under the portal's lock; the public readers take that lock too.
/// </summary>
public sealed class CrmStore
{
    private readonly CrmEntityTable[] _tables;
    private long _lastValueId;

    internal CrmStore(EmulatedPortal portal)
    {
        Portal = portal;
        _tables = [.. CrmEntityDefinition.All.Select(d => new CrmEntityTable(d))];
    }

    public EmulatedPortal Portal { get; }

    /// <summary>Copies of the current objects of an entity, by ascending ID, with every field <c>get</c> would show.</summary>
    public IReadOnlyList<JsonObject> Snapshot(CrmEntityType type)
    {
        lock (Portal.Sync)
        {
            var table = Table(type);
            return [.. table.Rows.Values.Select(row => CrmProjection.Full(table, row))];
        }
    }

    public int Count(CrmEntityType type)
    {
        lock (Portal.Sync)
        {
            return Table(type).Rows.Count;
        }
    }

    public bool Exists(CrmEntityType type, long id)
    {
        lock (Portal.Sync)
        {
            return Table(type).Rows.ContainsKey(id);
        }
    }

    internal CrmEntityTable Table(CrmEntityType type) => _tables[(int)type];

    internal long Add(CrmEntityType type, JsonObject fields, int userId, DateTimeOffset now)
    {
        var table = Table(type);
        var definition = table.Definition;
        var id = ++table.LastId;
        var stamp = Portal.FormatTime(now);
        var row = new JsonObject();
        foreach (var field in definition.StandardFields)
        {
            row[field] = definition.Defaults.GetValueOrDefault(field);
        }

        row["ID"] = Text(id);
        row["ASSIGNED_BY_ID"] = Text(userId);
        row["CREATED_BY_ID"] = Text(userId);
        row["MODIFY_BY_ID"] = Text(userId);
        row["DATE_CREATE"] = stamp;
        row["DATE_MODIFY"] = stamp;
        if (type == CrmEntityType.Deal)
        {
            var today = Portal.LocalTime(now);
            row["BEGINDATE"] = Portal.FormatTime(new DateTimeOffset(today.Date, today.Offset));
            row["CLOSEDATE"] = Portal.FormatTime(new DateTimeOffset(today.Date.AddDays(7), today.Offset));
        }

        CrmFieldWriter.Apply(table, row, fields, () => ++_lastValueId);
        FillTitle(definition, row, id);
        DeriveSemantics(type, row);
        table.Rows.Add(id, row);
        return id;
    }

    /// <summary>
    /// Adds an object with a past of its own: created at <paramref name="created"/> and last changed at
    /// <paramref name="modified"/>, as objects made before any app watched the portal are. It raises nothing.
    /// </summary>
    internal long AddExisting(CrmEntityType type, JsonObject fields, int userId, DateTimeOffset created, DateTimeOffset modified)
    {
        var id = Add(type, fields, userId, created);
        Table(type).Rows.TryGetValue(id, out var row);
        row!["DATE_MODIFY"] = Portal.FormatTime(modified);
        return id;
    }

    /// <summary>The IDs of an entity's objects, ascending.</summary>
    internal IReadOnlyList<long> Ids(CrmEntityType type) => [.. Table(type).Rows.Keys];

    internal bool Update(CrmEntityType type, long id, JsonObject fields, int userId, DateTimeOffset now)
    {
        var table = Table(type);
        if (!table.Rows.TryGetValue(id, out var row))
        {
            return false;
        }

        CrmFieldWriter.Apply(table, row, fields, () => ++_lastValueId);
        FillTitle(table.Definition, row, id);
        DeriveSemantics(type, row);
        row["MODIFY_BY_ID"] = Text(userId);
        row["DATE_MODIFY"] = Portal.FormatTime(now);
        return true;
    }

    internal bool Delete(CrmEntityType type, long id) => Table(type).Rows.Remove(id);

    internal JsonObject? Get(CrmEntityType type, long id)
    {
        var table = Table(type);
        return table.Rows.TryGetValue(id, out var row) ? CrmProjection.Full(table, row) : null;
    }

    /// <summary>
    /// One page of a list: the filtered, ordered rows from <paramref name="start"/>, and how many matched when
    /// <paramref name="countTotal"/> asks (0 otherwise: a page without its count stops once it is full).
    /// </summary>
    internal (JsonArray Items, int Total) List(
        CrmEntityType type, JsonNode? filter, JsonNode? select, JsonNode? order, int start, int pageSize, bool countTotal)
    {
        var table = Table(type);
        var definition = table.Definition;
        string? Resolve(string field) =>
            definition.IsStandard(field) || CrmEntityDefinition.IsUserField(field) || definition.IsMultiField(field) ? field : null;

        var conditions = ListFilter.Parse(filter, Resolve);
        var sort = ListOrder.Parse(order, Resolve, ListQuery.IdField);
        var (page, total) = ListQuery.Run(table.Rows, conditions, sort, Values, start, pageSize, countTotal);
        var project = CrmProjection.Selector(table, CrmProjection.ParseSelect(select));
        return (new JsonArray([.. page.Select(row => (JsonNode)project(row))]), total);
    }

    private static IReadOnlyList<string?> Values(JsonObject row, string field) => row[field] switch
    {
        JsonArray values => [.. values.Select(v => v is JsonObject entry ? FieldValues.Text(entry["VALUE"]) : FieldValues.Text(v))],
        var value => [FieldValues.Text(value)],
    };

    private static void FillTitle(CrmEntityDefinition definition, JsonObject row, long id)
    {
        if (definition.Type == CrmEntityType.Contact)
        {
            if (string.IsNullOrEmpty(FieldValues.Text(row["NAME"])) && string.IsNullOrEmpty(FieldValues.Text(row["LAST_NAME"])))
            {
                row["NAME"] = "Untitled";
            }
        }
        else if (string.IsNullOrEmpty(FieldValues.Text(row["TITLE"])))
        {
            row["TITLE"] = $"{definition.Caption} #{Text(id)}";
        }
    }

    /// <summary>
    /// A deal's stage group (<c>STAGE_SEMANTIC_ID</c>: <c>P</c> in progress, <c>S</c> won, <c>F</c> lost) and whether it is
    /// closed follow its stage, and a lead's status group its status, as the server keeps them.
    /// </summary>
    private void DeriveSemantics(CrmEntityType type, JsonObject row)
    {
        if (type == CrmEntityType.Deal)
        {
            var semantics = Portal.Statuses.Semantics("DEAL_STAGE", FieldValues.Text(row["STAGE_ID"])) ?? "P";
            row["STAGE_SEMANTIC_ID"] = semantics;
            row["CLOSED"] = semantics == "P" ? "N" : "Y";
        }
        else if (type == CrmEntityType.Lead)
        {
            row["STATUS_SEMANTIC_ID"] = Portal.Statuses.Semantics("STATUS", FieldValues.Text(row["STATUS_ID"])) ?? "P";
        }
    }

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);
}
