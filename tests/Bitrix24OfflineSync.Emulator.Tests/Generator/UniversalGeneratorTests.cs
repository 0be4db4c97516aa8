using Bitrix24OfflineSync.Emulator.Crm;
using Bitrix24OfflineSync.Emulator.Generator;
using Bitrix24OfflineSync.Emulator.Tests.Infrastructure;
using Bitrix24OfflineSync.TestKit;

namespace Bitrix24OfflineSync.Emulator.Tests.Generator;

/// <summary>The change generator on smart-process items (<c>crm.item.{entityTypeId}</c>), invoices and activities.</summary>
public sealed class UniversalGeneratorTests
{
    [Fact]
    public async Task Generate_OnItemsInvoicesAndActivities_ChangesThemThroughTheirMethods_AndTheirEventsAreQueued()
    {
        await using var emulator = await QueueKit.StartAsync();
        foreach (var name in (string[])["ONCRMDYNAMICITEMADD", "ONCRMDYNAMICITEMUPDATE", "ONCRMACTIVITYADD", "ONCRMACTIVITYUPDATE"])
        {
            await emulator.Client.BindOfflineAsync(name);
        }

        var type = emulator.AddType();
        var options = new ChangeGeneratorOptions { Objects = 30, Seed = 7, Entities = [$"crm.item.{type}", "crm.item.31", "crm.activity"] };
        var generator = new ChangeGenerator(emulator.World, emulator.Portal, options);

        generator.Generate(200);
        await emulator.WrittenAsync();

        var portal = emulator.Portal;
        Assert.Equal(200, generator.ChangesMade);
        Assert.Equal(generator.Population, portal.SmartProcesses.Count(type) + portal.SmartProcesses.Count(31) + portal.Activities.Count);
        Assert.True(portal.SmartProcesses.Count(type) > 0 && portal.SmartProcesses.Count(31) > 0 && portal.Activities.Count > 0);
        Assert.Equal(1, portal.Crm.Count(CrmEntityType.Contact));
        Assert.All(portal.Activities.Snapshot(), a => Assert.Equal(("3", "1"), (a["OWNER_TYPE_ID"]!.GetValue<string>(), a["OWNER_ID"]!.GetValue<string>())));
        var names = portal.Queue.Snapshot().Select(r => r.EventName).ToHashSet();
        Assert.Superset(new HashSet<string>(["ONCRMDYNAMICITEMADD", "ONCRMDYNAMICITEMUPDATE", "ONCRMACTIVITYADD", "ONCRMACTIVITYUPDATE"]), names);
        Assert.Contains(portal.SmartProcesses.Snapshot(type), item => item["title"]!.GetValue<string>().Contains(" rev ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Generate_ActivitiesOnAPortalWithContacts_BindsThemToThoseContacts()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        var contacts = emulator.World.Seed(emulator.Portal, "crm.contact", 5);

        new ChangeGenerator(emulator.World, emulator.Portal, new ChangeGeneratorOptions { Objects = 10, Seed = 2, Entities = ["crm.activity"] }).Generate(20);

        Assert.Equal(5, emulator.Portal.Crm.Count(CrmEntityType.Contact));
        Assert.All(emulator.Portal.Activities.Snapshot(), a =>
            Assert.InRange(long.Parse(a["OWNER_ID"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture), contacts.FirstId, contacts.LastId));
    }

    [Theory]
    [InlineData("crm.item.1030")]
    [InlineData("crm.item")]
    [InlineData("crm.activities")]
    public async Task Generator_ForAnItemTypeThePortalLacksOrAnUnknownEntity_Throws(string entity)
    {
        await using var world = new BitrixWorld();
        var portal = world.CreatePortal("gen.bitrix24.com");

        Assert.Throws<ArgumentException>(() => new ChangeGenerator(world, portal, new ChangeGeneratorOptions { Entities = [entity] }));
    }
}
