using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Emulator.Portals;

namespace Bitrix24OfflineSync.Emulator.Crm;

/// <summary>
/// A store of one kind of object of a portal, kept as rows by ID. Methods change it under the portal's lock; the
/// public readers take that lock too. Each kind says how its answers show a row (<see cref="Selector"/>).
/// </summary>
public abstract class KeyedRowStore
{
    private protected KeyedRowStore(EmulatedPortal portal) => Portal = portal;

    public EmulatedPortal Portal { get; }

    /// <summary>Copies of the current objects by ascending ID, as the kind's get method shows them.</summary>
    public IReadOnlyList<JsonObject> Snapshot()
    {
        lock (Portal.Sync)
        {
            var project = Selector([]);
            return [.. Rows.Values.Select(project)];
        }
    }

    public int Count
    {
        get
        {
            lock (Portal.Sync)
            {
                return Rows.Count;
            }
        }
    }

    public bool Exists(long id)
    {
        lock (Portal.Sync)
        {
            return Rows.ContainsKey(id);
        }
    }

    internal KeyedRows Rows { get; } = new();

    /// <summary>Projects rows as answers show them, for the given <c>select</c> (empty: the standard fields).</summary>
    internal abstract Func<JsonObject, JsonObject> Selector(IReadOnlyCollection<string> select);
}
