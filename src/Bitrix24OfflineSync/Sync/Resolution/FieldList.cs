using System.Text.Json.Nodes;

namespace Bitrix24OfflineSync.Sync.Resolution;

/// <summary>How a field list answers.</summary>
internal enum FieldListShape
{
    /// <summary><c>crm.deal.fields</c> and the other classic lists: the result is the fields by their UPPER_CASE codes.</summary>
    Classic,

    /// <summary><c>crm.item.fields</c>: <c>{"fields":{…}}</c> by camelCase code, each with its <c>upperName</c>.</summary>
    Item,

    /// <summary><c>tasks.task.getFields</c>: <c>{"fields":{…}}</c> by UPPER_CASE code; the task's states spell them in camelCase.</summary>
    Task,
}

/// <summary>How an entity's field list is read: <c>crm.deal.fields</c>, <c>crm.item.fields {entityTypeId}</c>, …</summary>
internal sealed record FieldList(string Method, FieldListShape Shape, JsonObject? Parameters = null);
