using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Emulator.Portals;
using Bitrix24OfflineSync.Sync.Passes;
using Bitrix24OfflineSync.TestKit;
using Bitrix24OfflineSync.Tests.Infrastructure;
using Bitrix24OfflineSync.Tests.Sinks;

namespace Bitrix24OfflineSync.Tests.Sync;

/// <summary>
/// Smart-process items (one entity per type, <c>crm.item.{entityTypeId}</c>, the new invoices being 31) and
/// activities: loaded at install, kept in step by their events, and, for types that come and go, by the discovery
/// that runs with each drift check.
/// </summary>
public sealed class SmartProcessTests
{
    private const int Invoices = 31;

    private static readonly string[] Events =
    [
        .. SyncFixture.AllEvents,
        "ONCRMDYNAMICITEMADD", "ONCRMDYNAMICITEMUPDATE", "ONCRMDYNAMICITEMDELETE",
        "ONCRMACTIVITYADD", "ONCRMACTIVITYUPDATE", "ONCRMACTIVITYDELETE",
    ];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ItemsOfTwoTypesWithTheSameIds_InvoicesAndActivities_AreLoadedThenKeptInStepUnderTheirOwnEntities()
    {
        await using var fixture = await SyncFixture.StartAsync(Settings());
        var portal = fixture.World.CreatePortal("shop.bitrix24.com");
        var orders = portal.SmartProcesses.AddType("Orders").EntityTypeId;
        var shipments = portal.SmartProcesses.AddType("Shipments").EntityTypeId;
        fixture.World.Seed(portal, $"crm.item.{orders}", 30, seed: 1);
        fixture.World.Seed(portal, $"crm.item.{shipments}", 20, seed: 2);
        fixture.World.Seed(portal, "crm.item.31", 5, seed: 3);
        fixture.World.Seed(portal, "crm.contact", 10, seed: 4);
        fixture.World.Seed(portal, "crm.activity", 15, seed: 5);

        await fixture.InstallAndBindAsync(portal, events: Events);

        // The initial load: every item of every type, under its own entity, ids 1.. in both custom types.
        await MirrorAssert.MatchesEmulatorAsync(fixture.Mirror, portal, [orders, shipments, Invoices], activities: true);
        var loaded = await fixture.Mirror.ListAsync(portal.MemberId, Ct);
        Assert.Contains(loaded, r => r.Entity == $"crm.item.{orders}" && r.EntityId == "1" && r.Origin == "load");
        Assert.Contains(loaded, r => r.Entity == $"crm.item.{shipments}" && r.EntityId == "1" && r.Origin == "load");
        Assert.Contains(fixture.Service.Logs.Of(1324), e => e["TypeCount"] == "3");

        // Then the events: adds, updates and deletes of items and activities.
        var added = AddItem(fixture, portal, orders, "new order");
        fixture.World.CallAsUser(portal, "crm.item.update", new JsonObject { ["entityTypeId"] = shipments, ["id"] = 1, ["fields"] = new JsonObject { ["title"] = "renamed shipment" } });
        fixture.World.CallAsUser(portal, "crm.item.delete", new JsonObject { ["entityTypeId"] = orders, ["id"] = 2 });
        AddItem(fixture, portal, Invoices, "new invoice");
        var activity = long.Parse(portal.Activities.Snapshot()[0]["ID"]!.ToString(), System.Globalization.CultureInfo.InvariantCulture);
        fixture.World.CallAsUser(portal, "crm.activity.update", new JsonObject { ["id"] = activity, ["fields"] = new JsonObject { ["SUBJECT"] = "rescheduled" } });
        fixture.World.CallAsUser(portal, "crm.activity.delete", new JsonObject { ["id"] = long.Parse(portal.Activities.Snapshot()[1]["ID"]!.ToString(), System.Globalization.CultureInfo.InvariantCulture) });
        await fixture.WaitUntilDrainedAsync(portal);

        await MirrorAssert.MatchesEmulatorAsync(fixture.Mirror, portal, [orders, shipments, Invoices], activities: true);
        var mirror = await fixture.Mirror.ListAsync(portal.MemberId, Ct);
        Assert.Contains(mirror, r => r.Entity == $"crm.item.{orders}" && r.EntityId == added && r.Origin == "event" && !r.Deleted);
        Assert.Contains(mirror, r => r.Entity == $"crm.item.{orders}" && r.EntityId == "2" && r.Deleted);
        Assert.Equal("renamed shipment", JsonNode.Parse(mirror.Single(r => r.Entity == $"crm.item.{shipments}" && r.EntityId == "1").State!)!["title"]!.ToString());
        Assert.Equal("1", JsonNode.Parse(mirror.Single(r => r.Entity == $"crm.item.{orders}" && r.EntityId == "1").State!)!["id"]!.ToString());
        Assert.Equal(0, portal.Queue.Count);
    }

    [Fact]
    public async Task ATypeMadeAfterInstall_IsLoadedAtTheNextCheck_AndATypeDeletedOnThePortal_HasItsItemsTombstoned()
    {
        await using var fixture = await SyncFixture.StartAsync(Settings(frequentChecks: true));
        var portal = fixture.World.CreatePortal("shop.bitrix24.com");
        var old = portal.SmartProcesses.AddType("Old").EntityTypeId;
        fixture.World.Seed(portal, $"crm.item.{old}", 12, seed: 6);
        await fixture.InstallAndBindAsync(portal, events: Events);
        await MirrorAssert.MatchesEmulatorAsync(fixture.Mirror, portal, [old, Invoices]);

        // Made without an event the service could see: only the discovery finds the type, and the load its items.
        var later = portal.SmartProcesses.AddType("Later").EntityTypeId;
        fixture.World.Seed(portal, $"crm.item.{later}", 8, seed: 7);
        Assert.True(portal.SmartProcesses.DeleteType(old));

        await Wait.UntilPassesAsync(() => MirrorAssert.MatchesEmulatorAsync(fixture.Mirror, portal, [later, Invoices]), TimeSpan.FromSeconds(60));
        var mirror = await fixture.Mirror.ListAsync(portal.MemberId, Ct);
        var gone = mirror.Where(r => r.Entity == $"crm.item.{old}").ToList();
        Assert.Equal(12, gone.Count);
        Assert.All(gone, r => Assert.True(r.Deleted && r.Origin == "repair"));
        Assert.Equal(8, mirror.Count(r => r.Entity == $"crm.item.{later}" && r.Origin == "load" && !r.Deleted));
        Assert.Contains(fixture.Service.Logs.Of(1325), e => e["Entity"] == $"crm.item.{old}" && e["Deleted"] == "12");
        var passes = await fixture.Service.Get<IPassStore>().ForPortalAsync(portal.MemberId, Ct);
        Assert.Contains(passes, p => p.Entity == $"crm.item.{old}" && p.Kind == PassKind.Retire && p.IsDone);
    }

    [Fact]
    public async Task ItemsReachTheHttpSinkUnderTheirTypesEntity()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        var secret = HttpSinkKit.NewSecret();
        var settings = HttpSinkKit.Settings(new Uri(receiver.BaseAddress, "hooks"), secret);
        foreach (var (key, value) in Settings())
        {
            settings[key] = value;
        }

        await using var fixture = await SyncFixture.StartAsync(settings);
        var portal = fixture.World.CreatePortal("shop.bitrix24.com");
        var orders = portal.SmartProcesses.AddType("Orders").EntityTypeId;
        fixture.World.Seed(portal, $"crm.item.{orders}", 3, seed: 8);
        await fixture.InstallAndBindAsync(portal, events: Events);
        var delivered = Changes(receiver, secret);
        Assert.Equal(["1", "2", "3"], delivered.Where(c => c.Entity == $"crm.item.{orders}" && c.Origin == "load").Select(c => c.Id).Order());

        var added = AddItem(fixture, portal, orders, "by event");
        fixture.World.CallAsUser(portal, "crm.item.delete", new JsonObject { ["entityTypeId"] = orders, ["id"] = 1 });
        await fixture.WaitUntilDrainedAsync(portal);

        var changes = new List<(string Entity, string Id, string Action, string Origin)>();
        await Wait.UntilAsync(
            () =>
            {
                changes.AddRange(Changes(receiver, secret));
                return changes.Count(c => c.Origin == "event") >= 2;
            },
            "the add and the delete are delivered");
        Assert.Contains(($"crm.item.{orders}", added, "upsert", "event"), changes);
        Assert.Contains(($"crm.item.{orders}", "1", "delete", "event"), changes);
    }

    [Fact]
    public async Task OnlyTheTypesNamedInSmartProcessTypes_AreSynced()
    {
        const int orders = 1040;
        const int other = 1042;
        var settings = Settings();
        settings["Sync:SmartProcessTypes"] = "1040";
        await using var fixture = await SyncFixture.StartAsync(settings);
        var portal = fixture.World.CreatePortal("shop.bitrix24.com");
        portal.SmartProcesses.AddType("Orders", orders);
        portal.SmartProcesses.AddType("Other", other);
        fixture.World.Seed(portal, $"crm.item.{orders}", 4, seed: 9);
        fixture.World.Seed(portal, $"crm.item.{other}", 4, seed: 10);
        await fixture.InstallAndBindAsync(portal, events: Events);

        AddItem(fixture, portal, other, "not synced");
        AddItem(fixture, portal, orders, "synced");
        await fixture.WaitUntilDrainedAsync(portal);

        var entities = (await fixture.Mirror.ListAsync(portal.MemberId, Ct)).Select(r => r.Entity).Distinct().ToList();
        Assert.Contains($"crm.item.{orders}", entities);
        Assert.DoesNotContain($"crm.item.{other}", entities);
        Assert.DoesNotContain($"crm.item.{Invoices}", entities);
        Assert.Equal(5, (await fixture.Mirror.ListAsync(portal.MemberId, Ct)).Count(r => r.Entity == $"crm.item.{orders}"));
        Assert.Equal(0, portal.Queue.Count);
    }

    private static Dictionary<string, string?> Settings(bool frequentChecks = false)
    {
        var settings = new Dictionary<string, string?> { ["Bitrix24:Events"] = string.Join(',', Events) };
        if (frequentChecks)
        {
            settings["Sync:ReconcileInterval"] = "00:00:01";
            settings["Sync:PollInterval"] = "00:00:01";
        }

        return settings;
    }

    private static string AddItem(SyncFixture fixture, EmulatedPortal portal, int entityTypeId, string title) =>
        fixture.World.CallAsUser(portal, "crm.item.add", new JsonObject { ["entityTypeId"] = entityTypeId, ["fields"] = new JsonObject { ["title"] = title } })
            .Result!["item"]!["id"]!.ToString();

    private static List<(string Entity, string Id, string Action, string Origin)> Changes(HttpReceiver receiver, string secret) =>
        [.. receiver.TakeAll()
            .Where(d => StandardWebhook.SignatureIsValid(d, secret))
            .SelectMany(d => JsonNode.Parse(d.Body)!["changes"]!.AsArray())
            .Select(c => (c!["entity"]!.GetValue<string>(), c["id"]!.GetValue<string>(), c["action"]!.GetValue<string>(), c["origin"]!.GetValue<string>()))];
}
