using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Emulator.Crm;
using Bitrix24OfflineSync.Emulator.Portals;

namespace Bitrix24OfflineSync.Emulator.Generator;

/// <summary>The fields the change generator writes: numbered titles, a revision suffix on every update.</summary>
internal static class GeneratedFields
{
    private static readonly string[] DealStages = ["NEW", "PREPARATION", "PREPAYMENT_INVOICE", "EXECUTING", "FINAL_INVOICE"];

    // Whom an activity may be about, in the order the generator looks for one.
    private static readonly (CrmEntityType Type, int EntityTypeId)[] Owners =
        [(CrmEntityType.Contact, 3), (CrmEntityType.Company, 4), (CrmEntityType.Deal, 2), (CrmEntityType.Lead, 1)];

    public static JsonObject Crm(CrmEntityType type, long serial, int revision, Random random)
    {
        var suffix = Suffix(revision);
        return type switch
        {
            CrmEntityType.Deal => new JsonObject
            {
                ["TITLE"] = $"Deal {serial}{suffix}",
                ["STAGE_ID"] = DealStages[random.Next(DealStages.Length)],
                ["OPPORTUNITY"] = random.Next(100, 100_000),
            },
            CrmEntityType.Contact => Contact(serial, suffix, revision == 0 ? random : null),
            CrmEntityType.Company => new JsonObject { ["TITLE"] = $"Company {serial}{suffix}" },
            _ => new JsonObject { ["TITLE"] = $"Lead {serial}{suffix}", ["NAME"] = $"Lead person {serial}" },
        };
    }

    public static JsonObject Task(long serial, int revision) => new()
    {
        ["TITLE"] = $"Task {serial}{Suffix(revision)}",
        ["DESCRIPTION"] = $"Generated change {revision}",
        ["RESPONSIBLE_ID"] = 1,
    };

    public static JsonObject Item(long serial, int revision, Random random) => new()
    {
        ["title"] = $"Item {serial}{Suffix(revision)}",
        ["opportunity"] = random.Next(100, 100_000),
    };

    public static JsonObject ActivityUpdate(long serial, int revision, Random random) => new()
    {
        ["SUBJECT"] = $"Call {serial}{Suffix(revision)}",
        ["COMPLETED"] = random.Next(2) == 0 ? "Y" : "N",
    };

    /// <summary>
    /// A call about a random CRM object of the portal. An activity needs an owner: on a portal with no contact,
    /// company, deal or lead the generator first adds a contact, which raises its own event.
    /// </summary>
    public static JsonObject NewActivity(BitrixWorld world, EmulatedPortal portal, long serial, Random random)
    {
        var (ownerTypeId, ownerId) = PickOwner(portal, random);
        if (ownerId == 0)
        {
            var contact = world.CallAsUser(portal, "crm.contact.add", new JsonObject { ["fields"] = Contact(serial, "", phoneRandom: null) });
            (ownerTypeId, ownerId) = (3, contact.Result!.GetValue<long>());
        }

        return new JsonObject
        {
            ["OWNER_TYPE_ID"] = ownerTypeId,
            ["OWNER_ID"] = ownerId,
            ["TYPE_ID"] = 2,
            ["SUBJECT"] = $"Call {serial}",
            ["COMMUNICATIONS"] = new JsonArray(new JsonObject { ["VALUE"] = $"+1555{random.Next(1_000_000, 9_999_999)}" }),
        };
    }

    /// <summary>A random object of the first kind the portal has any of, read by key under the portal's lock; (0, 0) when none.</summary>
    private static (int EntityTypeId, long Id) PickOwner(EmulatedPortal portal, Random random)
    {
        lock (portal.Sync)
        {
            foreach (var (type, entityTypeId) in Owners)
            {
                var keys = portal.Crm.Table(type).Rows.Keys;
                if (keys.Count > 0)
                {
                    return (entityTypeId, keys[random.Next(keys.Count)]);
                }
            }

            return (0, 0);
        }
    }

    /// <summary>A new contact gets a phone; later revisions leave it alone so phones do not pile up.</summary>
    private static JsonObject Contact(long serial, string suffix, Random? phoneRandom)
    {
        var fields = new JsonObject { ["NAME"] = $"Name {serial}", ["LAST_NAME"] = $"Surname {serial}{suffix}" };
        if (phoneRandom is not null)
        {
            fields["PHONE"] = new JsonArray(new JsonObject { ["VALUE"] = $"+1555{phoneRandom.Next(1_000_000, 9_999_999)}", ["VALUE_TYPE"] = "WORK" });
        }

        return fields;
    }

    private static string Suffix(int revision) => revision == 0 ? "" : $" rev {revision}";
}
