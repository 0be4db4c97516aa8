namespace Bitrix24OfflineSync.Emulator.Crm;

/// <summary>
/// A CRM activity's fields, in the order <c>crm.activity.get</c> answers them (crm-activity-get.md), with their
/// defaults. Values are strings as the classic REST proxy gives them; <c>SETTINGS</c> and <c>PROVIDER_PARAMS</c> are
/// arrays. <c>COMMUNICATIONS</c> is kept beside the row and answered by a list only when selected by name.
/// </summary>
internal static class ActivityFields
{
    public const string Communications = "COMMUNICATIONS";

    public const string Call = "2";

    public static readonly IReadOnlyList<string> Standard =
    [
        "ID", "OWNER_ID", "OWNER_TYPE_ID", "TYPE_ID", "PROVIDER_ID", "PROVIDER_TYPE_ID", "PROVIDER_GROUP_ID",
        "ASSOCIATED_ENTITY_ID", "SUBJECT", "CREATED", "LAST_UPDATED", "START_TIME", "END_TIME", "DEADLINE", "COMPLETED",
        "STATUS", "RESPONSIBLE_ID", "PRIORITY", "NOTIFY_TYPE", "NOTIFY_VALUE", "DESCRIPTION", "DESCRIPTION_TYPE",
        "DIRECTION", "LOCATION", "SETTINGS", "ORIGINATOR_ID", "ORIGIN_ID", "AUTHOR_ID", "EDITOR_ID", "PROVIDER_PARAMS",
        "PROVIDER_DATA", "RESULT_MARK", "RESULT_VALUE", "RESULT_SUM", "RESULT_CURRENCY_ID", "RESULT_STATUS",
        "RESULT_STREAM", "RESULT_SOURCE_ID", "AUTOCOMPLETE_RULE",
    ];

    public static readonly IReadOnlyDictionary<string, string> Defaults = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["ASSOCIATED_ENTITY_ID"] = "0", ["COMPLETED"] = "N", ["STATUS"] = "1", ["PRIORITY"] = "2", ["NOTIFY_TYPE"] = "0",
        ["NOTIFY_VALUE"] = "0", ["DESCRIPTION"] = "", ["DESCRIPTION_TYPE"] = "1", ["DIRECTION"] = "0", ["LOCATION"] = "",
        ["RESULT_MARK"] = "0", ["RESULT_STATUS"] = "0", ["RESULT_STREAM"] = "0", ["AUTOCOMPLETE_RULE"] = "0",
    };

    public static readonly IReadOnlySet<string> Arrays = new HashSet<string>(["SETTINGS", "PROVIDER_PARAMS"], StringComparer.Ordinal);

    public static readonly IReadOnlySet<string> Dates = new HashSet<string>(["START_TIME", "END_TIME"], StringComparer.Ordinal);

    // The server keeps these itself; TYPE_ID is fixed once the activity exists.
    private static readonly HashSet<string> Maintained =
        new(["ID", "TYPE_ID", "CREATED", "LAST_UPDATED", "DEADLINE", "AUTHOR_ID", "EDITOR_ID", "STATUS"], StringComparer.Ordinal);

    private static readonly HashSet<string> StandardSet = new(Standard, StringComparer.Ordinal);

    public static bool IsStandard(string field) => StandardSet.Contains(field);

    public static bool IsWritable(string field) => IsStandard(field) && !Maintained.Contains(field);

    /// <summary>The provider a REST-added activity of a type gets (what <c>crm.activity.list</c> shows for calls, meetings, e-mails).</summary>
    public static (string? Provider, string? ProviderType) ProviderOf(string typeId) => typeId switch
    {
        "1" => ("CRM_MEETING", "MEETING"),
        Call => ("VOXIMPLANT_CALL", "CALL"),
        "4" => ("CRM_EMAIL", "EMAIL"),
        _ => (null, null),
    };
}
