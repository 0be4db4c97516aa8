using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Emulator.Portals;
using Bitrix24OfflineSync.Emulator.Rest;

namespace Bitrix24OfflineSync.Emulator.Crm;

/// <summary>
/// The checks <c>CCrmActivityRestProxy::innerAdd</c>/<c>innerUpdate</c> make, in their order and words (the crm
/// module's <c>classes/general/restservice.php</c>): a responsible (else the owner's, else the caller), a type the REST
/// proxy creates (meeting 1, call 2, e-mail 4, provider 6), at least one usable communication (one only for calls and
/// meetings), bindings to objects that exist. Errors carry an empty code, as the CRM proxy's do.
/// </summary>
internal static class ActivityRules
{
    public static RestException Error(string description) => new(HttpStatusCode.BadRequest, "", description);

    public static ActivityDraft ForAdd(EmulatedPortal portal, JsonObject fields, int userId)
    {
        var ownerTypeId = FieldValues.IntVal(fields["OWNER_TYPE_ID"]);
        var ownerId = FieldValues.IntVal(fields["OWNER_ID"]);
        var bindings = new List<(long TypeId, long Id)>();
        if (ownerTypeId > 0 && ownerId > 0)
        {
            bindings.Add((ownerTypeId, ownerId));
        }

        var responsible = FieldValues.IntVal(fields["RESPONSIBLE_ID"]);
        if (responsible <= 0 && bindings.Count > 0)
        {
            responsible = CrmOwners.Responsible(portal, ownerTypeId, ownerId);
        }

        var typeId = FieldValues.IntVal(fields["TYPE_ID"]);
        if (typeId is < 1 or > 6)
        {
            throw Error("The field TYPE_ID is not defined or invalid.");
        }

        if (typeId == 6 && string.IsNullOrEmpty(FieldValues.Text(fields["PROVIDER_ID"])))
        {
            throw Error("The custom activity without provider is not supported in current context.");
        }

        if (typeId is 3 or 5)
        {
            throw Error($"The activity type \"{(typeId == 3 ? "Task" : "Activity")} is not supported in current context\".");
        }

        var communications = Communications(fields["COMMUNICATIONS"], ownerTypeId, ownerId, typeId, bindings);
        if (communications.Count == 0 && typeId != 6)
        {
            throw Error("The field COMMUNICATIONS is not defined or invalid.");
        }

        if (typeId is 1 or 2 && communications.Count > 1)
        {
            throw Error("The only one communication is allowed for activity of specified type.");
        }

        CheckBindings(portal, bindings);
        if (string.IsNullOrWhiteSpace(FieldValues.Text(fields["SUBJECT"])))
        {
            throw Error("The field SUBJECT is not defined or empty.");
        }

        return new ActivityDraft(bindings[0].TypeId, bindings[0].Id, responsible > 0 ? responsible : userId, typeId, communications);
    }

    /// <summary>
    /// An activity's communications: a value without an entity belongs to the owner; one without a value or entity,
    /// or of the wrong kind for a call (PHONE) or e-mail (EMAIL), is dropped. Each entity becomes a binding.
    /// </summary>
    public static JsonArray Communications(JsonNode? input, long ownerTypeId, long ownerId, long typeId, List<(long TypeId, long Id)> bindings)
    {
        var result = new JsonArray();
        foreach (var entry in PhpJson.AsList(input).OfType<JsonObject>())
        {
            var entityTypeId = FieldValues.IntVal(entry["ENTITY_TYPE_ID"]);
            var entityId = FieldValues.IntVal(entry["ENTITY_ID"]);
            var value = FieldValues.Text(entry["VALUE"]) ?? "";
            var type = FieldValues.Text(entry["TYPE"]) ?? "";
            if (value.Length > 0 && (entityTypeId <= 0 || entityId <= 0))
            {
                (entityTypeId, entityId) = (ownerTypeId, ownerId);
            }

            var expected = typeId switch { 2 => "PHONE", 4 => "EMAIL", _ => "" };
            if (entityTypeId <= 0 || entityId <= 0 || value.Length == 0 || (type.Length > 0 && expected.Length > 0 && type != expected))
            {
                continue;
            }

            result.Add(new JsonObject
            {
                ["TYPE"] = type.Length > 0 ? type : expected,
                ["VALUE"] = value,
                ["ENTITY_ID"] = entityId.ToString(CultureInfo.InvariantCulture),
                ["ENTITY_TYPE_ID"] = entityTypeId.ToString(CultureInfo.InvariantCulture),
            });
            if (!bindings.Contains((entityTypeId, entityId)))
            {
                bindings.Add((entityTypeId, entityId));
            }
        }

        return result;
    }

    private static void CheckBindings(EmulatedPortal portal, List<(long TypeId, long Id)> bindings)
    {
        if (bindings.Count == 0)
        {
            throw Error("Could not build binding. Please ensure that owner info and communications are defined correctly.");
        }

        foreach (var (typeId, id) in bindings)
        {
            var name = CrmOwners.Name(portal, typeId)
                ?? throw Error($"Entity type '[{typeId.ToString(CultureInfo.InvariantCulture)}]' is not supported in current context");
            if (!CrmOwners.Exists(portal, typeId, id))
            {
                throw Error($"Could not find '{name}' with ID: {id.ToString(CultureInfo.InvariantCulture)}");
            }
        }
    }
}

/// <summary>What an add was checked into: the owner (the first binding), responsible, type and communications.</summary>
internal sealed record ActivityDraft(long OwnerTypeId, long OwnerId, long ResponsibleId, long TypeId, JsonArray Communications);
