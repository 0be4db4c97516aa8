using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;

namespace Bitrix24OfflineSync.Sync.Resolution;

/// <summary>
/// Smart processes through the universal CRM API (facts §13): one entity per type, <c>crm.item.{entityTypeId}</c>
/// (the new invoices are type 31), fetched with <c>crm.item.list</c> / <c>crm.item.get</c> (camelCase fields,
/// <c>{"items":[…]}</c>, <c>updatedTime</c>). Their events name no type: it is in the data,
/// <c>{"FIELDS":{"ID":"24","ENTITY_TYPE_ID":"1220"}}</c>.
/// </summary>
internal static class SmartProcesses
{
    public const string EntityPrefix = "crm.item.";

    /// <summary>The new invoices' type; <c>crm.type.list</c> does not list it.</summary>
    public const long InvoiceTypeId = 31;

    public const string TypePath = "FIELDS.ENTITY_TYPE_ID";

    private static readonly ConcurrentDictionary<long, EntityFetch> Fetches = new();

    public static IReadOnlyList<string> EventNames { get; } = ["ONCRMDYNAMICITEMADD", "ONCRMDYNAMICITEMUPDATE", "ONCRMDYNAMICITEMDELETE"];

    /// <summary>The event mappings, with the entity left to the event's data.</summary>
    public static IReadOnlyList<EventMapping> Events { get; } =
        [.. EventNames.Select(name => new EventMapping(name, EntityPrefix.TrimEnd('.'), ["FIELDS.ID"], name.EndsWith("DELETE", StringComparison.Ordinal), null, TypePath))];

    public static string Entity(long entityTypeId) => EntityPrefix + entityTypeId.ToString(CultureInfo.InvariantCulture);

    /// <summary>The type of a <c>crm.item.{entityTypeId}</c> entity name.</summary>
    public static bool TryParse(string entity, out long entityTypeId)
    {
        entityTypeId = 0;
        return entity.StartsWith(EntityPrefix, StringComparison.Ordinal) &&
            long.TryParse(entity.AsSpan(EntityPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out entityTypeId) &&
            entityTypeId > 0;
    }

    /// <summary>How the items of one type are read.</summary>
    public static EntityFetch Fetch(long entityTypeId) => Fetches.GetOrAdd(entityTypeId, static id => new EntityFetch(
        Entity(id),
        "crm.item.get",
        "id",
        new JsonObject { ["entityTypeId"] = id },
        "item",
        "crm.item.list",
        "items",
        ["*"],
        "id",
        "updatedTime",
        ListParameters: new JsonObject { ["entityTypeId"] = id },
        InFilterPrefix: "@",
        Fields: new FieldList("crm.item.fields", FieldListShape.Item, new JsonObject { ["entityTypeId"] = id })));
}
