using System.Text.Json.Nodes;

namespace Bitrix24OfflineSync.Sync.Resolution;

/// <summary>
/// The events every install understands: add, update and delete of CRM deals, contacts, companies, leads and
/// activities, of smart-process items (<see cref="SmartProcesses"/>), and of tasks. The CRM data is
/// <c>{"FIELDS":{"ID":n}}</c>; a task's id is in <c>FIELDS_AFTER</c>, or in <c>FIELDS_BEFORE</c> on delete (where
/// <c>FIELDS_AFTER</c> is the string "undefined").
/// </summary>
internal static class BuiltInMappings
{
    /// <summary>A list's <c>*</c> leaves out user fields and multi-fields; these bring them in.</summary>
    private static readonly string[] CrmSelect = ["*", "UF_*"];

    /// <summary>Contacts, companies and leads carry phones, e-mails, sites and messengers; a deal does not.</summary>
    private static readonly string[] MultiFields = ["PHONE", "EMAIL", "WEB", "IM"];

    private static readonly string[] Actions = ["ADD", "UPDATE", "DELETE"];

    public static IReadOnlyList<EntityFetch> Entities { get; } =
    [
        Crm("deal", hasMultiFields: false),
        Crm("contact", hasMultiFields: true),
        Crm("company", hasMultiFields: true),
        Crm("lead", hasMultiFields: true),
        // Calls, e-mails, meetings and to-dos of the timeline; COMMUNICATIONS comes only when selected by name.
        new EntityFetch(
            "crm.activity", "crm.activity.get", "id", null, null, "crm.activity.list", null, ["*", "COMMUNICATIONS"], "ID", "LAST_UPDATED",
            Fields: new FieldList("crm.activity.fields", FieldListShape.Classic)),
        new EntityFetch(
            "task",
            "tasks.task.get",
            "taskId",
            new JsonObject { ["select"] = new JsonArray("*", "UF_*") },
            "task",
            "tasks.task.list",
            "tasks",
            ["*", "UF_*"],
            "ID",
            "changedDate",
            "CHANGED_DATE",
            Fields: new FieldList("tasks.task.getFields", FieldListShape.Task)),
    ];

    public static IReadOnlyList<EventMapping> All { get; } = [.. Entities.SelectMany(Events), .. SmartProcesses.Events];

    private static EntityFetch Crm(string name, bool hasMultiFields) => new(
        $"crm.{name}",
        $"crm.{name}.get",
        "id",
        null,
        null,
        $"crm.{name}.list",
        null,
        hasMultiFields ? [.. CrmSelect, .. MultiFields] : CrmSelect,
        "ID",
        "DATE_MODIFY",
        Fields: new FieldList($"crm.{name}.fields", FieldListShape.Classic));

    private static IEnumerable<EventMapping> Events(EntityFetch fetch)
    {
        var isTask = fetch.Entity == "task";
        var prefix = isTask ? "ONTASK" : "ONCRM" + fetch.Entity["crm.".Length..].ToUpperInvariant();
        string[] idPaths = isTask ? ["FIELDS_AFTER.ID", "FIELDS_BEFORE.ID"] : ["FIELDS.ID"];
        return Actions.Select(action => new EventMapping(prefix + action, fetch.Entity, idPaths, action == "DELETE", fetch));
    }
}
