using Bitrix24OfflineSync.Emulator.Generator;
using Bitrix24OfflineSync.Emulator.Portals;

namespace Bitrix24OfflineSync.Emulator;

public sealed partial class BitrixWorld
{
    /// <summary>
    /// Creates <paramref name="count"/> objects of <paramref name="entity"/> (<c>crm.deal</c>, <c>crm.contact</c>,
    /// <c>crm.company</c>, <c>crm.lead</c> or <c>task</c>) as if they had been on the portal before any app was
    /// installed: realistic values, IDs following the portal's last one, creation dates spread over the past year, and
    /// no events, so no app gets a queue row or a doorbell for them. Deals and contacts link to companies (and deals to
    /// contacts) that exist already. A hundred thousand take seconds. <paramref name="seed"/> makes the values
    /// repeatable; without it one is taken from the world's random source. An unknown entity throws ArgumentException.
    /// </summary>
    public SeededObjects Seed(EmulatedPortal portal, string entity, int count, int? seed = null)
    {
        ArgumentNullException.ThrowIfNull(portal);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var kind = GeneratorEntity.Parse(entity);
        return new ObjectSeeder(portal, new Random(seed ?? NextRandom(int.MaxValue))).Seed(kind, count);
    }
}

/// <summary>What <see cref="BitrixWorld.Seed"/> created: <see cref="Count"/> objects with the IDs <see cref="FirstId"/> to <see cref="LastId"/>.</summary>
public sealed record SeededObjects(string Entity, int Count, long FirstId, long LastId);
