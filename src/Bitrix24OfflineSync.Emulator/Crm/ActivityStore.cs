using System.Globalization;
using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Emulator.Portals;

namespace Bitrix24OfflineSync.Emulator.Crm;

/// <summary>
/// The portal's CRM activities, kept as <c>crm.activity.get</c> answers them: UPPER_CASE keys, string values.
/// Methods change it under the portal's lock; the public readers take that lock too.
/// </summary>
public sealed class ActivityStore : KeyedRowStore
{
    private readonly Dictionary<long, JsonArray> _communications = [];
    private long _lastId;
    private long _lastCommunicationId;

    internal ActivityStore(EmulatedPortal portal)
        : base(portal)
    {
    }

    internal long Add(ActivityDraft draft, JsonObject fields, int userId, DateTimeOffset now)
    {
        var id = ++_lastId;
        var stamp = Portal.FormatTime(now);
        var row = new JsonObject();
        foreach (var field in ActivityFields.Standard)
        {
            row[field] = ActivityFields.Arrays.Contains(field) ? new JsonArray() : ActivityFields.Defaults.GetValueOrDefault(field);
        }

        var typeId = Text(draft.TypeId);
        (row["PROVIDER_ID"], row["PROVIDER_TYPE_ID"]) = ActivityFields.ProviderOf(typeId);
        (row["START_TIME"], row["END_TIME"]) = (stamp, stamp);
        ActivityWriter.Apply(row, fields, Portal.FormatTime);
        (row["ID"], row["TYPE_ID"], row["OWNER_TYPE_ID"], row["OWNER_ID"]) = (Text(id), typeId, Text(draft.OwnerTypeId), Text(draft.OwnerId));
        (row["RESPONSIBLE_ID"], row["AUTHOR_ID"], row["EDITOR_ID"]) = (Text(draft.ResponsibleId), Text(userId), Text(userId));
        (row["CREATED"], row["LAST_UPDATED"]) = (stamp, stamp);
        ActivityWriter.Derive(row);
        Rows.Add(id, row);
        SetCommunications(id, draft.Communications);
        return id;
    }

    /// <summary>Adds an activity created at <paramref name="created"/> and last changed at <paramref name="modified"/>; it raises nothing.</summary>
    internal long AddExisting(ActivityDraft draft, JsonObject fields, int userId, DateTimeOffset created, DateTimeOffset modified)
    {
        var id = Add(draft, fields, userId, created);
        Rows.TryGetValue(id, out var row);
        row!["LAST_UPDATED"] = Portal.FormatTime(modified);
        return id;
    }

    internal JsonObject? Row(long id) => Rows.TryGetValue(id, out var row) ? row : null;

    internal void Update(JsonObject row, JsonObject fields, JsonArray? communications, int userId, DateTimeOffset now)
    {
        ActivityWriter.Apply(row, fields, Portal.FormatTime);
        ActivityWriter.Derive(row);
        (row["EDITOR_ID"], row["LAST_UPDATED"]) = (Text(userId), Portal.FormatTime(now));
        if (communications is not null)
        {
            SetCommunications(FieldValues.IntVal(row["ID"]), communications);
        }
    }

    internal bool Delete(long id)
    {
        _communications.Remove(id);
        return Rows.Remove(id);
    }

    /// <summary>
    /// Projects rows as answers show them: none or <c>*</c> gives every standard field, names give those and
    /// <c>ID</c>; <c>COMMUNICATIONS</c> only when named (crm-activity-list.md).
    /// </summary>
    internal override Func<JsonObject, JsonObject> Selector(IReadOnlyCollection<string> select)
    {
        var all = select.Count == 0 || select.Contains("*");
        string[] fields = [.. ActivityFields.Standard.Where(f => all || f == "ID" || select.Contains(f))];
        var withCommunications = select.Contains(ActivityFields.Communications);
        return row =>
        {
            var output = new JsonObject();
            foreach (var field in fields)
            {
                output[field] = row[field]?.DeepClone();
            }

            if (withCommunications)
            {
                output[ActivityFields.Communications] = _communications.GetValueOrDefault(FieldValues.IntVal(row["ID"]))?.DeepClone() ?? new JsonArray();
            }

            return output;
        };
    }

    private void SetCommunications(long id, JsonArray communications)
    {
        foreach (var entry in communications.OfType<JsonObject>())
        {
            entry.Insert(0, "ID", Text(++_lastCommunicationId));
        }

        _communications[id] = communications;
    }

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);
}
