using System.Text.Json.Nodes;

namespace Bitrix24OfflineSync.Sync.Resolution;

/// <summary>
/// How the current state of one entity's objects is read: a list method that takes many ids at once (the cheap
/// way) and a get method for one id (the fallback), where each answer keeps its objects, and which field says when
/// the source last changed the object.
/// </summary>
/// <param name="Entity">The entity name changes carry, e.g. <c>crm.deal</c>.</param>
/// <param name="GetMethod">Reads one object, e.g. <c>crm.deal.get</c>.</param>
/// <param name="GetIdParameter">The get method's id parameter: <c>id</c>, or <c>taskId</c> for tasks.</param>
/// <param name="GetParameters">Extra parameters of every get, e.g. a task's <c>select</c>; null for none.</param>
/// <param name="GetResultKey">Where a get answer keeps the object (<c>task</c>); null when the result is the object.</param>
/// <param name="ListMethod">Reads up to 50 objects by id; null when the entity has none.</param>
/// <param name="ListResultKey">Where a list answer keeps its rows (<c>tasks</c>); null when the result is the rows.</param>
/// <param name="Select">The list's <c>select</c>; empty to send none.</param>
/// <param name="IdField">The id's name in the list filter; rows are matched on it ignoring case (tasks answer <c>id</c>).</param>
/// <param name="ModifiedField">The field holding the source's modification time, e.g. <c>DATE_MODIFY</c>.</param>
/// <param name="ModifiedSelect">The modification time's name in a list's <c>select</c> when it differs from the answer's (tasks: <c>CHANGED_DATE</c>).</param>
/// <param name="ListParameters">Parameters every list command carries, e.g. a smart process's <c>entityTypeId</c>; null for none.</param>
/// <param name="InFilterPrefix">The list filter's prefix for "id in" (<c>@</c> in the universal API; the classic lists take a bare array).</param>
/// <param name="Fields">How the portal's list of the entity's fields is read; null when there is none.</param>
internal sealed record EntityFetch(
    string Entity,
    string GetMethod,
    string GetIdParameter,
    JsonObject? GetParameters,
    string? GetResultKey,
    string? ListMethod,
    string? ListResultKey,
    IReadOnlyList<string> Select,
    string IdField,
    string? ModifiedField,
    string? ModifiedSelect = null,
    JsonObject? ListParameters = null,
    string InFilterPrefix = "",
    FieldList? Fields = null)
{
    /// <summary>A list command answers at most this many rows, whatever it asks.</summary>
    public const int PageSize = 50;

    /// <summary>Whether the entity can be read whole, page by page in id order (it has a list method).</summary>
    public bool CanList => ListMethod is not null;

    /// <summary>
    /// One keyset page (facts §12): the objects with ids in (<paramref name="afterId"/>, <paramref name="upToId"/>],
    /// by id ascending, without the count (<c>start=-1</c>); with <paramref name="keysOnly"/> only the id and the
    /// modification time.
    /// </summary>
    public JsonObject RangeParameters(long afterId, long upToId, bool keysOnly)
    {
        var parameters = WithListParameters(new JsonObject
        {
            ["filter"] = new JsonObject { [">" + IdField] = afterId, ["<=" + IdField] = upToId },
            ["order"] = new JsonObject { [IdField] = "ASC" },
            ["start"] = -1,
        });
        var select = keysOnly ? KeySelect : Select;
        if (select.Count > 0)
        {
            parameters["select"] = new JsonArray([.. select.Select(field => (JsonNode?)JsonValue.Create(field))]);
        }

        return parameters;
    }

    /// <summary>The newest object's id is the first row of one page by id descending.</summary>
    public JsonObject NewestIdParameters() => WithListParameters(new JsonObject
    {
        ["order"] = new JsonObject { [IdField] = "DESC" },
        ["select"] = new JsonArray(IdField),
        ["start"] = -1,
    });

    /// <summary>What a drift check needs of each object: its id and when it was last modified.</summary>
    public IReadOnlyList<string> KeySelect =>
        ModifiedField is null ? [IdField] : [IdField, ModifiedSelect ?? ModifiedField];

    /// <summary>The parameters of a single get of <paramref name="id"/>.</summary>
    public JsonObject GetCommandParameters(string id)
    {
        var parameters = GetParameters?.DeepClone().AsObject() ?? [];
        parameters[GetIdParameter] = id;
        return parameters;
    }

    /// <summary>The parameters of one list command for up to 50 ids: an array filter is IN, so one page holds them all.</summary>
    public JsonObject ListCommandParameters(IEnumerable<string> ids)
    {
        var parameters = WithListParameters(new JsonObject
        {
            ["filter"] = new JsonObject { [InFilterPrefix + IdField] = new JsonArray([.. ids.Select(id => (JsonNode?)JsonValue.Create(id))]) },
        });
        if (Select.Count > 0)
        {
            parameters["select"] = new JsonArray([.. Select.Select(field => (JsonNode?)JsonValue.Create(field))]);
        }

        return parameters;
    }

    /// <summary>Whether two mappings read their entity the same way (records compare lists and JSON by reference).</summary>
    public bool SameAs(EntityFetch other) =>
        Entity == other.Entity && GetMethod == other.GetMethod && GetIdParameter == other.GetIdParameter &&
        GetResultKey == other.GetResultKey && ListMethod == other.ListMethod && ListResultKey == other.ListResultKey &&
        Select.SequenceEqual(other.Select) && IdField == other.IdField && ModifiedField == other.ModifiedField && ModifiedSelect == other.ModifiedSelect &&
        JsonNode.DeepEquals(GetParameters, other.GetParameters) && JsonNode.DeepEquals(ListParameters, other.ListParameters) && InFilterPrefix == other.InFilterPrefix;

    private JsonObject WithListParameters(JsonObject parameters)
    {
        foreach (var (name, value) in ListParameters ?? [])
        {
            parameters[name] = value?.DeepClone();
        }

        return parameters;
    }
}
