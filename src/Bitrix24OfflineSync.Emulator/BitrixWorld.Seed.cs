using Bitrix24OfflineSync.Emulator.Generator;
using Bitrix24OfflineSync.Emulator.Portals;

namespace Bitrix24OfflineSync.Emulator;

public sealed partial class BitrixWorld
{
    /// <summary>
    /// Creates <paramref name="count"/> objects of <paramref name="entity"/> (<c>crm.deal</c>, <c>crm.contact</c>,
    /// <c>crm.company</c>, <c>crm.lead</c>, <c>task</c>, <c>crm.item.{entityTypeId}</c> for a smart-process type the
    /// portal has or 31 for invoices, or <c>crm.activity</c>) as if they had been on the portal before any app was
    /// installed: realistic values, IDs following the portal's last one, creation dates spread over the past year, and
    /// no events, so no app gets a queue row or a doorbell for them. Deals, contacts and items link to companies (and
    /// deals and items to contacts) that exist already; activities are about contacts, companies, deals or leads that
    /// exist, so seed those first. A hundred thousand take seconds. <paramref name="seed"/> makes the values repeatable;
    /// without it one is taken from the world's random source. An unknown entity or type throws ArgumentException, a
    /// portal with nothing to bind activities to InvalidOperationException.
    /// </summary>
    public SeededObjects Seed(EmulatedPortal portal, string entity, int count, int? seed = null)
    {
        ArgumentNullException.ThrowIfNull(portal);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var kind = GeneratorEntity.Parse(entity);
        kind.CheckFor(portal);
        return new ObjectSeeder(portal, new Random(seed ?? NextRandom(int.MaxValue))).Seed(kind, count);
    }
}

/// <summary>What <see cref="BitrixWorld.Seed"/> created: <see cref="Count"/> objects with the IDs <see cref="FirstId"/> to <see cref="LastId"/>.</summary>
public sealed record SeededObjects(string Entity, int Count, long FirstId, long LastId);
