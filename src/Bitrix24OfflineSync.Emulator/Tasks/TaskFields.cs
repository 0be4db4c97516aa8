using System.Text;

namespace Bitrix24OfflineSync.Emulator.Tasks;

/// <summary>
/// The task's fields. Callers name them in UPPER_SNAKE (<c>RESPONSIBLE_ID</c>) in fields, select, filter and order;
/// answers name them in lowerCamelCase (<c>responsibleId</c>), as <c>tasks.task.*</c> does.
/// </summary>
internal static class TaskFields
{
    public static readonly IReadOnlyList<string> Standard =
    [
        "ID", "PARENT_ID", "TITLE", "DESCRIPTION", "MARK", "PRIORITY", "STATUS", "MULTITASK", "NOT_VIEWED", "REPLICATE",
        "GROUP_ID", "STAGE_ID", "CREATED_BY", "CREATED_DATE", "RESPONSIBLE_ID", "CHANGED_BY", "CHANGED_DATE",
        "STATUS_CHANGED_BY", "STATUS_CHANGED_DATE", "CLOSED_BY", "CLOSED_DATE", "DATE_START", "DEADLINE",
        "START_DATE_PLAN", "END_DATE_PLAN", "GUID", "XML_ID", "COMMENTS_COUNT", "ALLOW_CHANGE_DEADLINE",
        "TASK_CONTROL", "ADD_IN_REPORT", "TIME_ESTIMATE", "DURATION_TYPE", "FAVORITE", "SUBORDINATE",
    ];

    public static readonly IReadOnlyDictionary<string, string> Defaults = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["DESCRIPTION"] = "", ["PRIORITY"] = "1", ["STATUS"] = "2", ["MULTITASK"] = "N", ["NOT_VIEWED"] = "N",
        ["REPLICATE"] = "N", ["GROUP_ID"] = "0", ["STAGE_ID"] = "0", ["ALLOW_CHANGE_DEADLINE"] = "N",
        ["TASK_CONTROL"] = "N", ["ADD_IN_REPORT"] = "N", ["TIME_ESTIMATE"] = "0", ["DURATION_TYPE"] = "days",
        ["FAVORITE"] = "N", ["SUBORDINATE"] = "N",
    };

    /// <summary>STATUS 5 is "completed": it sets CLOSED_BY and CLOSED_DATE.</summary>
    public const string CompletedStatus = "5";

    private static readonly HashSet<string> StandardSet = new(Standard, StringComparer.Ordinal);

    private static readonly HashSet<string> ReadOnly = new(
        ["ID", "CREATED_DATE", "CHANGED_BY", "CHANGED_DATE", "STATUS_CHANGED_BY", "STATUS_CHANGED_DATE", "CLOSED_BY",
            "CLOSED_DATE", "GUID", "COMMENTS_COUNT", "FAVORITE", "SUBORDINATE"],
        StringComparer.Ordinal);

    public static bool IsStandard(string field) => StandardSet.Contains(field);

    public static bool IsWritable(string field) => IsStandard(field) && !ReadOnly.Contains(field);

    public static bool IsUserField(string field) => field.StartsWith("UF_", StringComparison.Ordinal);

    /// <summary><c>responsibleId</c> → <c>RESPONSIBLE_ID</c>; a name already in upper case stays as it is.</summary>
    public static string ToUpperSnake(string name)
    {
        if (!name.Any(char.IsLower))
        {
            return name;
        }

        var sb = new StringBuilder();
        foreach (var c in name)
        {
            if (char.IsUpper(c) && sb.Length > 0)
            {
                sb.Append('_');
            }

            sb.Append(char.ToUpperInvariant(c));
        }

        return sb.ToString();
    }

    /// <summary><c>RESPONSIBLE_ID</c> → <c>responsibleId</c>, <c>UF_CRM_TASK</c> → <c>ufCrmTask</c>.</summary>
    public static string ToCamel(string name)
    {
        var sb = new StringBuilder();
        foreach (var part in name.Split('_', StringSplitOptions.RemoveEmptyEntries))
        {
            var lower = part.ToLowerInvariant();
            sb.Append(sb.Length == 0 ? lower : char.ToUpperInvariant(lower[0]) + lower[1..]);
        }

        return sb.ToString();
    }
}
