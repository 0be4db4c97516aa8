using System.Globalization;
using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Bitrix.Batch;
using Bitrix24OfflineSync.Sync.Resolution;
using Bitrix24OfflineSync.Sync.Passes;

namespace Bitrix24OfflineSync.Tests.Sync.Passes;

/// <summary>Passes, the product's own entity descriptions and list answers, for the unit tests of the pure pass units.</summary>
internal static class PassKit
{
    public static readonly DateTimeOffset Started = new(2026, 1, 5, 9, 0, 0, TimeSpan.Zero);

    /// <summary>How the product reads <paramref name="entity"/>: a built-in entity, or a smart process by its <c>crm.item.{id}</c> name.</summary>
    public static EntityFetch Fetch(string entity) =>
        SmartProcesses.TryParse(entity, out var typeId) ? SmartProcesses.Fetch(typeId) : BuiltInMappings.Entities.Single(e => e.Entity == entity);

    public static EntityPass Pass(string entity, PassKind kind, long cursor, long? maxId, long objectsRead = 0) =>
        EntityPass.Start("m1", entity, kind, Started) with { Cursor = cursor, MaxId = maxId, ObjectsRead = objectsRead };

    public static IReadOnlyList<StepPlan> Plan(params EntityPass[] passes) => PagePlanner.Plan(passes, pass => Fetch(pass.Entity));

    /// <summary>A row as the list of <paramref name="fetch"/> answers it: its id, and its modification time when given.</summary>
    public static JsonObject Row(EntityFetch fetch, long id, DateTimeOffset? modified = null)
    {
        // Tasks are filtered by ID but answer id, as the portal does.
        var row = new JsonObject { [fetch.Entity == "task" ? "id" : fetch.IdField] = id.ToString(CultureInfo.InvariantCulture) };
        if (modified is { } time && fetch.ModifiedField is { } field)
        {
            row[field] = time.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
        }

        return row;
    }

    /// <summary>A list command's answer holding <paramref name="rows"/>, where the entity's list keeps them.</summary>
    public static BatchCommandResult Answer(string key, EntityFetch fetch, IEnumerable<JsonObject> rows)
    {
        var array = new JsonArray([.. rows]);
        return new BatchCommandResult(key, fetch.ListResultKey is { } at ? new JsonObject { [at] = array } : array, null, null, null);
    }

    /// <summary>Answers every page of <paramref name="plan"/> with the ids <paramref name="ids"/> gives for its range (after, upTo).</summary>
    public static Dictionary<string, BatchCommandResult> Answers(StepPlan plan, Func<long, long, IEnumerable<long>> ids) =>
        plan.Pages.ToDictionary(
            page => page.Command.Key,
            page => Answer(page.Command.Key, plan.Fetch, ids(page.After ?? -1, page.UpTo ?? -1).Select(id => Row(plan.Fetch, id))),
            StringComparer.Ordinal);

    public static IEnumerable<long> Ids(string list) =>
        list.Length == 0 ? [] : list.Split(',').Select(id => long.Parse(id, CultureInfo.InvariantCulture));
}
