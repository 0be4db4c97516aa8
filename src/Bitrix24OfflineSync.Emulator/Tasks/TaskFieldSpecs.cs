using System.Text.Json.Nodes;

namespace Bitrix24OfflineSync.Emulator.Tasks;

/// <summary>
/// The task's fields as <c>tasks.task.getFields</c> describes them (tasks-task-get-fields.md): UPPER_CASE codes, each
/// with its title, type, and for a list its values; no flags but <c>required</c> and <c>primary</c>. User fields are
/// described as strings.
/// </summary>
internal static class TaskFieldSpecs
{
    private static readonly JsonObject YesNo = new() { ["Y"] = "Yes", ["N"] = "No" };

    private static readonly Dictionary<string, (string Type, string? Title, JsonObject? Values)> Specs = new(StringComparer.Ordinal)
    {
        ["ID"] = ("integer", "ID", null),
        ["PARENT_ID"] = ("integer", "Base task ID", null),
        ["TITLE"] = ("string", "Title", null),
        ["DESCRIPTION"] = ("string", "Description", null),
        ["MARK"] = ("enum", "Rating", new JsonObject { ["N"] = "Negative", ["P"] = "Positive" }),
        ["PRIORITY"] = ("enum", "Priority", new JsonObject { ["2"] = "High", ["1"] = "Medium", ["0"] = "Low" }),
        ["STATUS"] = ("enum", "Status", new JsonObject { ["2"] = "Pending", ["3"] = "In Progress", ["4"] = "Awaiting Control", ["5"] = "Completed", ["6"] = "Deferred" }),
        ["MULTITASK"] = ("enum", "Multitask", YesNo),
        ["NOT_VIEWED"] = ("enum", null, YesNo),
        ["REPLICATE"] = ("enum", "Recurring task", YesNo),
        ["GROUP_ID"] = ("integer", "Project", null),
        ["STAGE_ID"] = ("integer", "Stage", null),
        ["CREATED_BY"] = ("integer", "Creator", null),
        ["CREATED_DATE"] = ("datetime", null, null),
        ["RESPONSIBLE_ID"] = ("integer", "Assignee", null),
        ["CHANGED_BY"] = ("integer", "Changed by", null),
        ["CHANGED_DATE"] = ("datetime", "Change date", null),
        ["STATUS_CHANGED_BY"] = ("integer", "Status changed by", null),
        ["STATUS_CHANGED_DATE"] = ("datetime", "Status change date", null),
        ["CLOSED_BY"] = ("integer", "Closed by", null),
        ["CLOSED_DATE"] = ("datetime", "Closing date", null),
        ["DATE_START"] = ("datetime", "Start date", null),
        ["DEADLINE"] = ("datetime", "Deadline", null),
        ["START_DATE_PLAN"] = ("datetime", "Planned start", null),
        ["END_DATE_PLAN"] = ("datetime", "Planned completion", null),
        ["GUID"] = ("string", "GUID", null),
        ["XML_ID"] = ("string", "XML_ID", null),
        ["COMMENTS_COUNT"] = ("integer", "Number of comments", null),
        ["ALLOW_CHANGE_DEADLINE"] = ("enum", null, YesNo),
        ["TASK_CONTROL"] = ("enum", "Accept work", YesNo),
        ["ADD_IN_REPORT"] = ("enum", "Add to report", YesNo),
        ["TIME_ESTIMATE"] = ("integer", "Estimated time", null),
        ["DURATION_TYPE"] = ("enum", "DURATION_TYPE", null),
        ["FAVORITE"] = ("enum", null, YesNo),
        ["SUBORDINATE"] = ("enum", "Subordinate task", YesNo),
    };

    /// <summary>The description of a field of a task as the answer gives it.</summary>
    public static JsonObject Describe(string field)
    {
        if (TaskFields.IsUserField(field))
        {
            return new JsonObject { ["title"] = field, ["type"] = "string" };
        }

        var (type, title, values) = Specs[field];
        var description = new JsonObject { ["title"] = title, ["type"] = type };
        if (values is not null)
        {
            description["values"] = values.DeepClone();
        }

        if (field == "ID")
        {
            description["primary"] = true;
        }
        else if (field is "TITLE" or "CREATED_BY" or "RESPONSIBLE_ID")
        {
            description["required"] = true;
        }

        return description;
    }
}
