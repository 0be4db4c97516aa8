using System.Globalization;
using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Emulator.Crm;
using Bitrix24OfflineSync.Emulator.Portals;

namespace Bitrix24OfflineSync.Emulator.Generator;

/// <summary>
/// A kind of object the generator and the seeder make (<c>crm.deal</c>, …, <c>task</c>, <c>crm.item.{entityTypeId}</c>
/// for a smart process or the invoices, <c>crm.activity</c>): the methods and fields it uses.
/// </summary>
internal sealed class GeneratorEntity
{
    public const string Known = "crm.deal, crm.contact, crm.company, crm.lead, task, crm.activity or crm.item.{entityTypeId}";

    private const string ItemPrefix = "crm.item.";

    private GeneratorEntity(string name, CrmEntityType? crmType = null, int? entityTypeId = null, bool isActivity = false)
    {
        Name = name;
        CrmType = crmType;
        EntityTypeId = entityTypeId;
        IsActivity = isActivity;
    }

    public string Name { get; }

    /// <summary>The classic CRM entity, or null.</summary>
    public CrmEntityType? CrmType { get; }

    /// <summary>The smart-process type (or 31, the invoices) of <c>crm.item.{entityTypeId}</c>, or null.</summary>
    public int? EntityTypeId { get; }

    public bool IsActivity { get; }

    /// <summary>The name as <see cref="SeededObjects.Entity"/> reports it.</summary>
    public string CanonicalName => CrmType is { } type ? "crm." + CrmEntityDefinition.Of(type).Name
        : EntityTypeId is { } typeId ? ItemPrefix + typeId.ToString(CultureInfo.InvariantCulture)
        : IsActivity ? "crm.activity" : "task";

    private string Prefix => CrmType is not null ? Name.Trim().ToLowerInvariant() + "." : EntityTypeId is not null ? ItemPrefix : IsActivity ? "crm.activity." : "tasks.task.";

    public static GeneratorEntity Parse(string name) =>
        TryParse(name, out var entity) ? entity! : throw new ArgumentException($"Unknown entity '{name}': use {Known}.", nameof(name));

    public static bool TryParse(string? name, out GeneratorEntity? entity)
    {
        var key = (name ?? "").Trim().ToLowerInvariant();
        entity = key switch
        {
            "crm.deal" => new(name!, CrmEntityType.Deal),
            "crm.contact" => new(name!, CrmEntityType.Contact),
            "crm.company" => new(name!, CrmEntityType.Company),
            "crm.lead" => new(name!, CrmEntityType.Lead),
            "task" or "tasks.task" => new(name!),
            "crm.activity" => new(name!, isActivity: true),
            _ when key.StartsWith(ItemPrefix, StringComparison.Ordinal) &&
                int.TryParse(key[ItemPrefix.Length..], NumberStyles.None, CultureInfo.InvariantCulture, out var typeId) && typeId > 0 =>
                new(name!, entityTypeId: typeId),
            _ => null,
        };
        return entity is not null;
    }

    /// <summary>Refuses an item type the portal lacks: its items could be neither seeded nor changed.</summary>
    public void CheckFor(EmulatedPortal portal)
    {
        if (EntityTypeId is { } typeId && portal.SmartProcesses.FindType(typeId) is null)
        {
            throw new ArgumentException($"Portal {portal.Domain} has no smart-process type {typeId.ToString(CultureInfo.InvariantCulture)}: create it first.", nameof(portal));
        }
    }

    public bool Exists(EmulatedPortal portal, long id) =>
        CrmType is { } type ? portal.Crm.Exists(type, id)
        : EntityTypeId is { } typeId ? portal.SmartProcesses.Exists(typeId, id)
        : IsActivity ? portal.Activities.Exists(id)
        : portal.Tasks.Exists(id);

    public long Add(BitrixWorld world, EmulatedPortal portal, int serial, Random random)
    {
        var parameters = Parameters(id: null);
        parameters["fields"] = IsActivity ? GeneratedFields.NewActivity(world, portal, serial, random) : Fields(serial, 0, random);
        var answer = world.CallAsUser(portal, Prefix + "add", parameters).Result!;
        var id = CrmType is not null || IsActivity ? answer.ToJsonString()
            : EntityTypeId is not null ? answer["item"]!["id"]!.ToJsonString()
            : answer["task"]!["id"]!.GetValue<string>();
        return long.Parse(id, CultureInfo.InvariantCulture);
    }

    public void Update(BitrixWorld world, EmulatedPortal portal, long id, int revision, Random random)
    {
        var parameters = Parameters(id);
        parameters["fields"] = Fields(id, revision, random);
        world.CallAsUser(portal, Prefix + "update", parameters);
    }

    public void Delete(BitrixWorld world, EmulatedPortal portal, long id) => world.CallAsUser(portal, Prefix + "delete", Parameters(id));

    private JsonObject Parameters(long? id)
    {
        var parameters = new JsonObject();
        if (EntityTypeId is { } typeId)
        {
            parameters["entityTypeId"] = typeId;
        }

        if (id is { } key)
        {
            parameters[CrmType is null && EntityTypeId is null && !IsActivity ? "taskId" : "id"] = key;
        }

        return parameters;
    }

    private JsonObject Fields(long serial, int revision, Random random) =>
        CrmType is { } type ? GeneratedFields.Crm(type, serial, revision, random)
        : EntityTypeId is not null ? GeneratedFields.Item(serial, revision, random)
        : IsActivity ? GeneratedFields.ActivityUpdate(serial, revision, random)
        : GeneratedFields.Task(serial, revision);
}
