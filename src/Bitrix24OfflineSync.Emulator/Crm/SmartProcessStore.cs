using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Emulator.Portals;

namespace Bitrix24OfflineSync.Emulator.Crm;

/// <summary>
/// The portal's smart-process types and their items, and the built-in invoices (type 31). Types come and go: a type
/// made here is listed by <c>crm.type.list</c> at once, and deleting one deletes its items with it, silently. Methods
/// change it under the portal's lock; the public members take that lock too.
/// </summary>
public sealed class SmartProcessStore
{
    // The server hands out custom entityTypeIds from a sequence that starts at 1030 and steps by 2.
    private const int FirstSequencedEntityTypeId = 1030;

    private readonly SortedDictionary<int, DynamicItemTable> _tables = [];
    private readonly Dictionary<int, ClassicItemSet> _classic;
    private int _lastTypeId;
    private int _lastCategoryId;
    private int _nextSequenced = FirstSequencedEntityTypeId;

    internal SmartProcessStore(EmulatedPortal portal)
    {
        Portal = portal;
        _classic = CrmEntityDefinition.All.Select(d => new ClassicItemSet(portal.Crm, d.Type)).ToDictionary(s => s.EntityTypeId);
        var invoice = new SmartProcessType(++_lastTypeId, SmartProcessType.InvoiceEntityTypeId, "Invoice", 1, portal.World.Time.GetUtcNow(), ++_lastCategoryId);
        _tables[invoice.EntityTypeId] = new DynamicItemTable(invoice, portal.FormatTime);
    }

    public EmulatedPortal Portal { get; }

    /// <summary>The custom types, by ascending entityTypeId (the invoices' built-in type is not among them).</summary>
    public IReadOnlyList<SmartProcessType> Types
    {
        get
        {
            lock (Portal.Sync)
            {
                return [.. _tables.Values.Select(t => t.Type).Where(t => !t.IsInvoice)];
            }
        }
    }

    /// <summary>
    /// Creates a type, as an admin would in the UI or with <c>crm.type.add</c>. Without <paramref name="entityTypeId"/>
    /// the next of 1030, 1032, … is taken; a given one must lie in 128–192 or be even and at least 1030, and be free.
    /// </summary>
    public SmartProcessType AddType(string title, int? entityTypeId = null, int userId = 1)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(title);
        lock (Portal.Sync)
        {
            if (entityTypeId is { } wanted && (!SmartProcessType.IsCustomEntityTypeId(wanted) || _tables.ContainsKey(wanted)))
            {
                throw new ArgumentException(
                    _tables.ContainsKey(wanted)
                        ? $"A type with entityTypeId {wanted} exists already."
                        : $"entityTypeId {wanted} is not allowed: use 128 to 192, or an even number from 1030.",
                    nameof(entityTypeId));
            }

            var id = entityTypeId ?? NextSequenced();
            var type = new SmartProcessType(++_lastTypeId, id, title.Trim(), userId, Portal.World.Time.GetUtcNow(), ++_lastCategoryId);
            _tables[id] = new DynamicItemTable(type, Portal.FormatTime);
            return type;
        }
    }

    /// <summary>Deletes a custom type and every item of it; false when there is no such type. The invoices cannot go.</summary>
    public bool DeleteType(int entityTypeId)
    {
        if (entityTypeId == SmartProcessType.InvoiceEntityTypeId)
        {
            throw new ArgumentException("The invoices' type is built in and cannot be deleted.", nameof(entityTypeId));
        }

        lock (Portal.Sync)
        {
            return _tables.Remove(entityTypeId);
        }
    }

    public SmartProcessType? FindType(int entityTypeId)
    {
        lock (Portal.Sync)
        {
            return _tables.GetValueOrDefault(entityTypeId)?.Type;
        }
    }

    public int Count(int entityTypeId)
    {
        lock (Portal.Sync)
        {
            return Items(entityTypeId)?.Rows.Count ?? 0;
        }
    }

    public bool Exists(int entityTypeId, long id)
    {
        lock (Portal.Sync)
        {
            return Items(entityTypeId)?.Rows.ContainsKey(id) ?? false;
        }
    }

    /// <summary>Copies of a type's items by ascending ID, as <c>crm.item.get</c> shows them; empty for an unknown type.</summary>
    public IReadOnlyList<JsonObject> Snapshot(int entityTypeId)
    {
        lock (Portal.Sync)
        {
            if (Items(entityTypeId) is not { } items)
            {
                return [];
            }

            var project = items.Projector(select: null, originalUfNames: false);
            return [.. items.Rows.Values.Select(project)];
        }
    }

    /// <summary>The items <c>crm.item.*</c> reaches with <paramref name="entityTypeId"/>; null for an unknown type.</summary>
    internal IItemSet? Items(int entityTypeId) =>
        _classic.GetValueOrDefault(entityTypeId) ?? (IItemSet?)_tables.GetValueOrDefault(entityTypeId);

    /// <summary>A smart process's or the invoices' own table; null for a classic entity or an unknown type.</summary>
    internal DynamicItemTable? Table(int entityTypeId) => _tables.GetValueOrDefault(entityTypeId);

    /// <summary>The types <c>crm.type.list</c> lists.</summary>
    internal IEnumerable<SmartProcessType> Listed(bool withInvoices) =>
        _tables.Values.Select(t => t.Type).Where(t => withInvoices || !t.IsInvoice);

    private int NextSequenced()
    {
        while (_tables.ContainsKey(_nextSequenced))
        {
            _nextSequenced += 2;
        }

        var id = _nextSequenced;
        _nextSequenced += 2;
        return id;
    }
}
