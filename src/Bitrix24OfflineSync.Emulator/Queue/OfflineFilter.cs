using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Bitrix24OfflineSync.Emulator.Methods;
using Bitrix24OfflineSync.Emulator.Rest;

namespace Bitrix24OfflineSync.Emulator.Queue;

/// <summary>
/// The <c>filter</c> of event.offline.get/list after <c>IRestService::sanitizeFilter</c>: keys upper-cased, the
/// operation is the non-letter prefix (one of '', =, &gt;, &lt;, &gt;=, &lt;=, @, %), fields from an allow-list.
/// </summary>
internal sealed partial class OfflineFilter
{
    public static readonly IReadOnlyList<string> GetFields = ["ID", "TIMESTAMP_X", "EVENT_NAME", "MESSAGE_ID"];

    public static readonly IReadOnlyList<string> ListFields = ["ID", "TIMESTAMP_X", "EVENT_NAME", "MESSAGE_ID", "PROCESS_ID", "ERROR"];

    private static readonly string[] Operations = ["", "=", ">", "<", ">=", "<=", "@", "%"];

    private OfflineFilter(IReadOnlyList<Condition> conditions) => Conditions = conditions;

    public static OfflineFilter Empty { get; } = new([]);

    public IReadOnlyList<Condition> Conditions { get; }

    public static OfflineFilter Parse(JsonNode? filter, IReadOnlyList<string> fields, TimeSpan portalOffset)
    {
        if (filter is null)
        {
            return Empty;
        }

        if (!PhpValues.IsArray(filter))
        {
            throw RestException.InvalidArgument("The filter is not an array.");
        }

        var conditions = new List<Condition>();
        foreach (var (rawKey, value) in PhpValues.Entries(filter))
        {
            var key = rawKey.ToUpperInvariant();
            var match = KeyPattern().Match(key);
            var operation = match.Groups[1].Value;
            var field = match.Groups[2].Value;
            if (!Operations.Contains(operation))
            {
                throw RestException.InvalidArgument("Filter operation not allowed: " + operation);
            }

            if (!fields.Contains(field))
            {
                throw RestException.InvalidArgument("Filter field not allowed: " + field);
            }

            var isArray = PhpValues.IsArray(value);
            var values = isArray ? PhpValues.Entries(value).Select(e => PhpValues.String(e.Value)).ToList() : [PhpValues.String(value)];
            if (field == "TIMESTAMP_X")
            {
                values = [.. values.Select(v => NormalizeTime(v, portalOffset))];
            }

            conditions.Add(new Condition(key, operation, field, values, isArray));
        }

        return new OfflineFilter(conditions);
    }

    /// <summary><c>EventOfflineTable::markEvents</c> (the reservation) refuses array values with ArgumentTypeException.</summary>
    public void RejectArrayValues()
    {
        foreach (var condition in Conditions.Where(c => c.IsArray))
        {
            throw RestException.InvalidArgument($"The value of an argument '{condition.Key}' has an invalid type", condition.Key);
        }
    }

    public bool Matches(OfflineEventRow row) => Conditions.All(c => c.Matches(row));

    private static string NormalizeTime(string value, TimeSpan portalOffset)
    {
        var styles = DateTimeStyles.AllowWhiteSpaces;
        if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, styles, out var parsed))
        {
            // A value without an offset is the portal user's local time, as createFromUserTime reads it.
            var hasOffset = OffsetPattern().IsMatch(value.Trim());
            var utc = hasOffset ? parsed.ToUniversalTime() : new DateTimeOffset(parsed.DateTime, portalOffset).ToUniversalTime();
            return utc.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        }

        throw RestException.InvalidArgument("Wrong date/time value: " + value, "TIMESTAMP_X");
    }

    [GeneratedRegex("^([^A-Z]*)(.*)$", RegexOptions.Singleline)]
    private static partial Regex KeyPattern();

    [GeneratedRegex(@"(Z|[+-]\d{2}:?\d{2})$", RegexOptions.IgnoreCase)]
    private static partial Regex OffsetPattern();

    /// <summary>One sanitized filter entry; TIMESTAMP_X values are kept as unix seconds.</summary>
    public sealed record Condition(string Key, string Operation, string Field, IReadOnlyList<string> Values, bool IsArray)
    {
        public bool Matches(OfflineEventRow row) => Operation switch
        {
            "" or "=" or "@" => Values.Any(v => OfflineFields.Compare(row, Field, v) == 0),
            "%" => Values.Any(v => OfflineFields.Text(row, Field).Contains(v, StringComparison.OrdinalIgnoreCase)),
            ">" => Values.Any(v => OfflineFields.Compare(row, Field, v) > 0),
            "<" => Values.Any(v => OfflineFields.Compare(row, Field, v) < 0),
            ">=" => Values.Any(v => OfflineFields.Compare(row, Field, v) >= 0),
            "<=" => Values.Any(v => OfflineFields.Compare(row, Field, v) <= 0),
            _ => false,
        };
    }
}
