using System.Globalization;
using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Sync.Resolution;

namespace Bitrix24OfflineSync.Writes;

/// <summary>
/// The REST methods of a write (bitrix24-api.md §15): <c>crm.deal.add</c> and the other classic entities and
/// activities answer the new id and take <c>ORIGINATOR_ID</c>/<c>ORIGIN_ID</c>; <c>crm.item.add</c> answers
/// <c>{"item":{…}}</c> and takes <c>originatorId</c>/<c>originId</c>, with the type's <c>entityTypeId</c> on every call.
/// </summary>
internal sealed class WriteMethods
{
    private const string ItemPrefix = "crm.item.";

    private WriteMethods(string entity, long? entityTypeId)
    {
        Entity = entity;
        EntityTypeId = entityTypeId;
    }

    public string Entity { get; }

    /// <summary>The smart-process (or other) type of a <c>crm.item.{n}</c> entity; null for the classic ones.</summary>
    public long? EntityTypeId { get; }

    public bool IsItem => EntityTypeId is not null;

    public string OriginatorField => IsItem ? "originatorId" : "ORIGINATOR_ID";

    public string OriginField => IsItem ? "originId" : "ORIGIN_ID";

    public string IdField => IsItem ? "id" : "ID";

    public static WriteMethods For(string entity) =>
        entity.StartsWith(ItemPrefix, StringComparison.Ordinal)
            ? new WriteMethods(entity, long.Parse(entity.AsSpan(ItemPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture))
            : new WriteMethods(entity, null);

    public string Method(string action) => (IsItem ? "crm.item" : Entity) + "." + action switch
    {
        WriteActions.Create => "add",
        WriteActions.Update => "update",
        _ => "delete",
    };

    public string ListMethod => (IsItem ? "crm.item" : Entity) + ".list";

    /// <summary>The write's parameters; a create carries the service's origin (the write's key) so a lost answer can be resolved by looking.</summary>
    public JsonObject Parameters(WriteRequest write, string? id)
    {
        var parameters = Typed();
        if (id is not null)
        {
            parameters["id"] = id;
        }

        if (write.Fields is { } fields)
        {
            var sent = (JsonObject)fields.DeepClone();
            if (write.Action == WriteActions.Create)
            {
                sent[OriginatorField] = WriteApiOptions.Originator;
                sent[OriginField] = write.Key;
            }

            parameters["fields"] = sent;
        }

        return parameters;
    }

    /// <summary>A list of the objects carrying the write's origin: what a create whose answer was lost made, if anything.</summary>
    public JsonObject LookupParameters(string key)
    {
        var parameters = Typed();
        parameters["filter"] = new JsonObject { [OriginatorField] = WriteApiOptions.Originator, [OriginField] = key };
        parameters["select"] = new JsonArray(IdField);
        return parameters;
    }

    /// <summary>The id a successful add answered: the id itself, or the item's.</summary>
    public string? CreatedId(JsonNode? result) => IsItem
        ? FetchAnswers.Single(result, "item") is { } item ? FetchAnswers.Id(item, "id") : null
        : result is JsonValue value ? value.ToString() : null;

    /// <summary>The reference a read-back in the same batch takes to a create's new id.</summary>
    public string CreatedIdReference(string commandKey) => IsItem ? $"$result[{commandKey}][item][id]" : $"$result[{commandKey}]";

    /// <summary>
    /// The condition of a write with <c>ifUnmodifiedSince</c>, as a list in the same batch: the object only while its
    /// modification time is not after <paramref name="since"/>. The write takes its id from this list's first row
    /// (<see cref="GuardedIdReference"/>): when the object changed, the list is empty, the reference substitutes
    /// nothing and the write is refused for its missing id; nothing is changed (bitrix24-api.md §9, §15).
    /// </summary>
    public JsonObject GuardParameters(string id, string modifiedField, DateTimeOffset since)
    {
        var parameters = Typed();
        parameters["filter"] = new JsonObject
        {
            [IdField] = id,
            ["<=" + modifiedField] = since.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture),
        };
        parameters["select"] = new JsonArray(IdField);
        return parameters;
    }

    public string GuardedIdReference(string guardKey) => IsItem ? $"$result[{guardKey}][items][0][id]" : $"$result[{guardKey}][0][{IdField}]";

    /// <summary>The first id a lookup answered, or null when it found nothing.</summary>
    public string? FoundId(JsonNode? result) =>
        FetchAnswers.Rows(result, IsItem ? "items" : null) is { Count: > 0 } rows && rows[0] is JsonObject row ? FetchAnswers.Id(row, IdField) : null;

    private JsonObject Typed() => EntityTypeId is { } type ? new JsonObject { ["entityTypeId"] = type } : [];
}
