using System.Globalization;
using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Emulator.Crm;
using Bitrix24OfflineSync.Emulator.Portals;

namespace Bitrix24OfflineSync.Emulator.Generator;

/// <summary>A kind of object the generator changes (<c>crm.deal</c>, …, <c>task</c>): the methods and fields it uses.</summary>
internal sealed class GeneratorEntity
{
    private static readonly string[] DealStages = ["NEW", "PREPARATION", "PREPAYMENT_INVOICE", "EXECUTING", "FINAL_INVOICE"];

    private readonly CrmEntityType? _crmType;

    private GeneratorEntity(string name, CrmEntityType? crmType)
    {
        Name = name;
        _crmType = crmType;
    }

    public string Name { get; }

    /// <summary>The CRM entity, or null for tasks.</summary>
    public CrmEntityType? CrmType => _crmType;

    private string Prefix => _crmType is null ? "tasks.task." : Name + ".";

    private string IdParameter => _crmType is null ? "taskId" : "id";

    public static GeneratorEntity Parse(string name) => name.Trim().ToLowerInvariant() switch
    {
        "crm.deal" => new(name, CrmEntityType.Deal),
        "crm.contact" => new(name, CrmEntityType.Contact),
        "crm.company" => new(name, CrmEntityType.Company),
        "crm.lead" => new(name, CrmEntityType.Lead),
        "task" or "tasks.task" => new(name, null),
        _ => throw new ArgumentException($"Unknown entity '{name}': use crm.deal, crm.contact, crm.company, crm.lead or task.", nameof(name)),
    };

    public bool Exists(EmulatedPortal portal, long id) =>
        _crmType is { } type ? portal.Crm.Exists(type, id) : portal.Tasks.Exists(id);

    public long Add(BitrixWorld world, EmulatedPortal portal, int serial, Random random)
    {
        var answer = world.CallAsUser(portal, Prefix + "add", new JsonObject { ["fields"] = Fields(serial, 0, random) });
        var id = _crmType is null ? answer.Result!["task"]!["id"]!.GetValue<string>() : answer.Result!.ToJsonString();
        return long.Parse(id, CultureInfo.InvariantCulture);
    }

    public void Update(BitrixWorld world, EmulatedPortal portal, long id, int revision, Random random) =>
        world.CallAsUser(portal, Prefix + "update", new JsonObject { [IdParameter] = id, ["fields"] = Fields(id, revision, random) });

    public void Delete(BitrixWorld world, EmulatedPortal portal, long id) =>
        world.CallAsUser(portal, Prefix + "delete", new JsonObject { [IdParameter] = id });

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

    private JsonObject Fields(long serial, int revision, Random random)
    {
        var suffix = revision == 0 ? "" : $" rev {revision}";
        return _crmType switch
        {
            CrmEntityType.Deal => new JsonObject
            {
                ["TITLE"] = $"Deal {serial}{suffix}",
                ["STAGE_ID"] = DealStages[random.Next(DealStages.Length)],
                ["OPPORTUNITY"] = random.Next(100, 100_000),
            },
            CrmEntityType.Contact => Contact(serial, suffix, revision == 0 ? random : null),
            CrmEntityType.Company => new JsonObject { ["TITLE"] = $"Company {serial}{suffix}" },
            CrmEntityType.Lead => new JsonObject { ["TITLE"] = $"Lead {serial}{suffix}", ["NAME"] = $"Lead person {serial}" },
            _ => new JsonObject
            {
                ["TITLE"] = $"Task {serial}{suffix}",
                ["DESCRIPTION"] = $"Generated change {revision}",
                ["RESPONSIBLE_ID"] = 1,
            },
        };
    }
}
