using System.Diagnostics;
using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Emulator;
using Bitrix24OfflineSync.Emulator.Portals;
using Bitrix24OfflineSync.Sinks.Database;

namespace Bitrix24OfflineSync.Benchmarks;

/// <summary>
/// Changes a portal user makes in the UI, through the CRM's REST methods but as no app, so they queue a row for the
/// service, ring its doorbell, and are no request of the service's (<see cref="BitrixWorld.CallAsUser"/>). In turn: a
/// deal's title, a contact's name, a new deal, a new contact. Each change writes a value of its own, so the mirror can
/// be asked whether it holds it. The objects updated are taken from seeded ones, each once while the pool lasts.
/// </summary>
internal sealed class UserChanges(BitrixWorld world, EmulatedPortal portal, SeededObjects deals, SeededObjects contacts)
{
    private int _made;

    /// <summary>
    /// Seeds the deals and contacts the updates take, enough for <paramref name="changes"/> changes to update each
    /// object once; made before the install, they are the initial load's.
    /// </summary>
    public static UserChanges Seed(BitrixWorld world, EmulatedPortal portal, int changes)
    {
        var each = Math.Max(100, (changes / 4) + 1);
        return new(world, portal, world.Seed(portal, "crm.deal", each, seed: 1), world.Seed(portal, "crm.contact", each, seed: 2));
    }

    public UserChange Make()
    {
        var n = _made++;
        var (entity, field) = n % 2 == 0 ? ("deal", "TITLE") : ("contact", "NAME");
        var value = $"{entity} change {n}";
        var fields = new JsonObject { [field] = value };
        string id;
        if (n % 4 < 2)
        {
            var pool = entity == "deal" ? deals : contacts;
            id = (pool.FirstId + (n / 4 % pool.Count)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            world.CallAsUser(portal, $"crm.{entity}.update", new JsonObject { ["id"] = id, ["fields"] = fields });
        }
        else
        {
            id = world.CallAsUser(portal, $"crm.{entity}.add", new JsonObject { ["fields"] = fields }).Result!.ToString();
        }

        return new UserChange($"crm.{entity}", id, field, value, Stopwatch.GetTimestamp());
    }
}

/// <summary>One change: the object, the field and the value written, and when the change's answer came back.</summary>
internal sealed record UserChange(string Entity, string Id, string Field, string Value, long AnsweredAt)
{
    /// <summary>Whether the mirror holds this change's state (a later state of the object would hold another value).</summary>
    public async Task<bool> IsMirroredAsync(IMirrorStore mirror, string memberId)
    {
        var row = await mirror.FindAsync(memberId, Entity, Id, CancellationToken.None);
        return row is { Deleted: false, State: { } state } && JsonNode.Parse(state)?[Field]?.ToString() == Value;
    }
}
