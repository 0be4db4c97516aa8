using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Emulator.Rest;

namespace Bitrix24OfflineSync.Emulator.Crm;

/// <summary>
/// A list method's <c>filter</c>: field names with an optional operator prefix (<c>=</c>, <c>!</c>, <c>&gt;</c>,
/// <c>&gt;=</c>, <c>&lt;</c>, <c>&lt;=</c>, <c>%</c> LIKE, <c>=%</c>/<c>%=</c> LIKE with the caller's own <c>%</c>
/// wildcards, <c>@</c> IN and their negations). An array value means IN.
/// Fields the entity does not have are dropped, as the server's field map drops them, and so is a range condition
/// (<c>&gt;</c>, <c>&gt;=</c>, <c>&lt;</c>, <c>&lt;=</c>) with an empty value.
/// </summary>
internal sealed class ListFilter
{
    // Longest prefixes first, so ">=" is not read as ">" on a field named "=X".
    private static readonly string[] Operators = ["!=%", "!%=", "!=", "!@", "!%", ">=", "<=", "=%", "%=", "=", "!", ">", "<", "%", "@"];

    private readonly List<Condition> _conditions;

    private ListFilter(List<Condition> conditions) => _conditions = conditions;

    public static ListFilter Parse(JsonNode? filter, Func<string, string?> resolveField)
    {
        var conditions = new List<Condition>();
        if (filter is JsonObject obj)
        {
            foreach (var (key, value) in obj)
            {
                var op = Operators.FirstOrDefault(o => key.StartsWith(o, StringComparison.Ordinal)) ?? "";
                if (resolveField(key[op.Length..].Trim()) is not { } field)
                {
                    continue;
                }

                var isList = value is JsonArray or JsonObject;
                if (!isList && op is ">" or ">=" or "<" or "<=" && string.IsNullOrEmpty(FieldValues.Text(value)))
                {
                    // The SQL builder skips a range condition without a value: ">ID" => "" lists from the start.
                    continue;
                }

                var operands = isList ? PhpJson.AsList(value).Select(FieldValues.Text).ToList() : [FieldValues.Text(value)];
                conditions.Add(new Condition(field, op, operands, isList));
            }
        }

        return new ListFilter(conditions);
    }

    /// <summary>
    /// The values a positive equality or IN condition on <paramref name="field"/> allows, or null when no such
    /// condition narrows it: a table can then look those keys up instead of reading every row.
    /// </summary>
    public IReadOnlyList<string?>? AllowedValues(string field) =>
        _conditions.FirstOrDefault(c => c.Field == field && c.Operator is "" or "=" or "@")?.Operands;

    /// <summary>
    /// The span of whole numbers that the range conditions (<c>&gt;</c>, <c>&gt;=</c>, <c>&lt;</c>, <c>&lt;=</c>) on an
    /// integer <paramref name="field"/> let through, both ends included: a table reads only the keys in it. A condition
    /// whose operand is not a number compares as text and narrows nothing; the span may still hold values that other
    /// conditions refuse, so <see cref="Matches"/> decides.
    /// </summary>
    public (long Low, long High) IntegerSpan(string field)
    {
        decimal low = long.MinValue;
        decimal high = long.MaxValue;
        foreach (var condition in _conditions.Where(c => c.Field == field && c.Operands.Count > 0))
        {
            if (!FieldValues.TryNumber(condition.Operands[0], out var operand))
            {
                continue;
            }

            // A bound beyond the keys' range stays beyond it when clamped, and rounding it can no longer overflow.
            var bound = Math.Clamp(operand, long.MinValue, long.MaxValue);

            switch (condition.Operator)
            {
                case ">":
                    low = Math.Max(low, Math.Floor(bound) + 1);
                    break;
                case ">=":
                    low = Math.Max(low, Math.Ceiling(bound));
                    break;
                case "<":
                    high = Math.Min(high, Math.Ceiling(bound) - 1);
                    break;
                case "<=":
                    high = Math.Min(high, Math.Floor(bound));
                    break;
                default:
                    break;
            }
        }

        return (ToLong(low), ToLong(high));
    }

    /// <summary>True when the item passes every condition; <paramref name="values"/> reads a field's values (several for a multi-field).</summary>
    public bool Matches(Func<string, IReadOnlyList<string?>> values) =>
        _conditions.All(c => c.Matches(values(c.Field)));

    private static long ToLong(decimal value) => (long)Math.Clamp(value, long.MinValue, long.MaxValue);

    private sealed record Condition(string Field, string Operator, IReadOnlyList<string?> Operands, bool IsList)
    {
        public bool Matches(IReadOnlyList<string?> values) => Operator switch
        {
            "" or "=" or "@" => AnyEqual(values),
            "!" or "!=" or "!@" => !AnyEqual(values),
            "%" => AnyLike(values),
            "!%" => !AnyLike(values),
            "=%" or "%=" => AnyPattern(values),
            "!=%" or "!%=" => !AnyPattern(values),
            _ => Operands.Count > 0 && Operands[0] is { } operand && values.Any(v => v is not null && Ordered(FieldValues.Compare(v, operand))),
        };

        private bool AnyEqual(IReadOnlyList<string?> values)
        {
            var present = values.Count == 0 ? [null] : values;
            return present.Any(v => Operands.Any(o => FieldValues.Same(v, o)));
        }

        private bool AnyLike(IReadOnlyList<string?> values) =>
            values.Any(v => v is not null && Operands.Any(o => v.Contains(o ?? "", StringComparison.OrdinalIgnoreCase)));

        /// <summary>SQL LIKE: the operand's <c>%</c> stands for any run of characters, the rest matches case-insensitively.</summary>
        private bool AnyPattern(IReadOnlyList<string?> values) =>
            values.Any(v => v is not null && Operands.Any(o => LikePattern.Matches(v, o ?? "")));

        private bool Ordered(int comparison) => Operator switch
        {
            ">" => comparison > 0,
            ">=" => comparison >= 0,
            "<" => comparison < 0,
            _ => comparison <= 0,
        };
    }
}
