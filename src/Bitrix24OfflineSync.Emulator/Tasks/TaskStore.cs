using System.Globalization;
using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Emulator.Crm;
using Bitrix24OfflineSync.Emulator.Portals;
using Bitrix24OfflineSync.Emulator.Rest;

namespace Bitrix24OfflineSync.Emulator.Tasks;

/// <summary>
/// The portal's tasks, kept under UPPER_SNAKE names with string values; answers are shaped by <see cref="Selector"/>.
/// Methods change it under the portal's lock; the public readers take that lock too.
/// </summary>
public sealed class TaskStore : KeyedRowStore
{
    private readonly List<string> _userFields = [];
    private long _lastId;

    /// <summary>The user fields tasks were given, in the order they first were.</summary>
    internal IReadOnlyList<string> UserFields => _userFields;

    internal TaskStore(EmulatedPortal portal)
        : base(portal)
    {
    }

    internal long Add(JsonObject fields, int userId, DateTimeOffset now)
    {
        var id = ++_lastId;
        var stamp = Portal.FormatTime(now);
        var row = new JsonObject();
        foreach (var field in TaskFields.Standard)
        {
            row[field] = TaskFields.Defaults.GetValueOrDefault(field);
        }

        row["ID"] = id.ToString(CultureInfo.InvariantCulture);
        foreach (var field in (string[])["CREATED_BY", "RESPONSIBLE_ID", "CHANGED_BY", "STATUS_CHANGED_BY"])
        {
            row[field] = Text(userId);
        }

        foreach (var field in (string[])["CREATED_DATE", "CHANGED_DATE", "STATUS_CHANGED_DATE"])
        {
            row[field] = stamp;
        }

        row["GUID"] = NewGuid();
        Write(row, fields, userId, stamp);
        Rows.Add(id, row);
        return id;
    }

    /// <summary>Adds a task created at <paramref name="created"/> and last changed at <paramref name="modified"/>; it raises nothing.</summary>
    internal long AddExisting(JsonObject fields, int userId, DateTimeOffset created, DateTimeOffset modified)
    {
        var id = Add(fields, userId, created);
        Rows.TryGetValue(id, out var row);
        row!["CHANGED_DATE"] = Portal.FormatTime(modified);
        return id;
    }

    internal bool Update(long id, JsonObject fields, int userId, DateTimeOffset now)
    {
        if (!Rows.TryGetValue(id, out var row))
        {
            return false;
        }

        var stamp = Portal.FormatTime(now);
        Write(row, fields, userId, stamp);
        row["CHANGED_BY"] = Text(userId);
        row["CHANGED_DATE"] = stamp;
        return true;
    }

    internal bool Delete(long id) => Rows.Remove(id);

    internal JsonObject? Get(long id, IReadOnlyCollection<string> select) =>
        Rows.TryGetValue(id, out var row) ? Selector(select)(row) : null;

    /// <summary>One page of a list, as <see cref="CrmStore"/> reads one: the total is counted only when <paramref name="countTotal"/> asks.</summary>
    internal (JsonArray Items, int Total) List(
        JsonNode? filter, IReadOnlyCollection<string> select, JsonNode? order, int start, int pageSize, bool countTotal)
    {
        string? Resolve(string name)
        {
            var field = TaskFields.ToUpperSnake(name);
            return TaskFields.IsStandard(field) || TaskFields.IsUserField(field) ? field : null;
        }

        var conditions = ListFilter.Parse(filter, Resolve);
        var sort = ListOrder.Parse(order, Resolve, ListQuery.IdField);
        var (page, total) = ListQuery.Run(Rows, conditions, sort, Values, start, pageSize, countTotal);
        var project = Selector(select);
        return (new JsonArray([.. page.Select(row => (JsonNode)project(row))]), total);
    }

    /// <summary>The <c>select</c> parameter as UPPER_SNAKE names.</summary>
    internal static HashSet<string> ParseSelect(JsonNode? select) =>
        [.. PhpJson.AsList(select).Select(FieldValues.Text).OfType<string>().Select(s => TaskFields.ToUpperSnake(s.Trim())).Where(s => s.Length > 0)];

    /// <summary>
    /// Projects rows as answers show them. Empty or <c>*</c> selects the standard fields, <c>UF_*</c> the user fields;
    /// ID is always there. The fields and their lowerCamelCase names are worked out once for the whole page.
    /// </summary>
    internal override Func<JsonObject, JsonObject> Selector(IReadOnlyCollection<string> select)
    {
        var all = select.Count == 0 || select.Contains("*");
        string[] fields =
        [
            .. TaskFields.Standard.Where(f => all || f == "ID" || select.Contains(f)),
            .. _userFields.Where(f => select.Contains("UF_*") || select.Contains(f)),
        ];
        var names = fields.Select(TaskFields.ToCamel).ToArray();
        return row =>
        {
            var output = new JsonObject();
            for (var i = 0; i < fields.Length; i++)
            {
                output[names[i]] = row[fields[i]]?.DeepClone();
            }

            return output;
        };
    }

    private void Write(JsonObject row, JsonObject fields, int userId, string stamp)
    {
        foreach (var (name, value) in fields)
        {
            var field = TaskFields.ToUpperSnake(name);
            if (TaskFields.IsUserField(field))
            {
                if (!_userFields.Contains(field))
                {
                    _userFields.Add(field);
                }

                row[field] = FieldValues.UserField(value);
            }
            else if (TaskFields.IsWritable(field))
            {
                var text = FieldValues.Text(value);
                if (field == "STATUS" && text != FieldValues.Text(row["STATUS"]))
                {
                    row["STATUS_CHANGED_BY"] = Text(userId);
                    row["STATUS_CHANGED_DATE"] = stamp;
                    row["CLOSED_BY"] = text == TaskFields.CompletedStatus ? Text(userId) : null;
                    row["CLOSED_DATE"] = text == TaskFields.CompletedStatus ? stamp : null;
                }

                row[field] = text;
            }
        }
    }

    private static IReadOnlyList<string?> Values(JsonObject row, string field) => row[field] switch
    {
        JsonArray values => [.. values.Select(FieldValues.Text)],
        var value => [FieldValues.Text(value)],
    };

    private string NewGuid()
    {
        var bytes = new byte[16];
        for (var i = 0; i < bytes.Length; i++)
        {
            bytes[i] = (byte)Portal.World.NextRandom(256);
        }

        return "{" + new Guid(bytes).ToString().ToUpperInvariant() + "}";
    }

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);
}
