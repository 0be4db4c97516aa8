using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Emulator.Crm;
using Bitrix24OfflineSync.Emulator.Portals;
using Bitrix24OfflineSync.Sinks.Database;
using Bitrix24OfflineSync.TestKit;

namespace Bitrix24OfflineSync.Tests.Infrastructure;

/// <summary>Compares the service's mirror with the emulator's objects, object for object.</summary>
internal static class MirrorAssert
{
    /// <summary>For drains whose last step cannot be observed from outside (clear=1 plans): match within a deadline.</summary>
    public static async Task EventuallyMatchesEmulatorAsync(SyncFixture fixture, EmulatedPortal portal, TimeSpan? timeout = null)
    {
        await Wait.UntilPassesAsync(() => MatchesEmulatorAsync(fixture, portal), timeout ?? TimeSpan.FromSeconds(30));
    }

    public static Task MatchesEmulatorAsync(SyncFixture fixture, EmulatedPortal portal) => MatchesEmulatorAsync(fixture.Mirror, portal);

    public static async Task MatchesEmulatorAsync(IMirrorStore mirror, EmulatedPortal portal)
    {
        var rows = await mirror.ListAsync(portal.MemberId, TestContext.Current.CancellationToken);
        var live = rows.Where(r => !r.Deleted).ToDictionary(r => (r.Entity, r.EntityId));
        var expected = new Dictionary<(string, string), JsonObject>();
        foreach (var (type, entity) in new[] { (CrmEntityType.Deal, "crm.deal"), (CrmEntityType.Contact, "crm.contact"), (CrmEntityType.Company, "crm.company"), (CrmEntityType.Lead, "crm.lead") })
        {
            foreach (var item in portal.Crm.Snapshot(type))
            {
                expected[(entity, item["ID"]!.ToString())] = item;
            }
        }

        foreach (var task in portal.Tasks.Snapshot())
        {
            expected[("task", task["id"]!.ToString())] = task;
        }

        Assert.Equal(expected.Keys.Order(), live.Keys.Order());
        foreach (var (key, source) in expected)
        {
            var mirrored = JsonNode.Parse(live[key].State!)!.AsObject();
            foreach (var (field, value) in mirrored)
            {
                Assert.True(JsonNode.DeepEquals(source[field], value), $"{key} field {field}: mirror {value?.ToJsonString()} vs emulator {source[field]?.ToJsonString()}");
            }

            Assert.NotNull(mirrored[key.Item1 == "task" ? "changedDate" : "DATE_MODIFY"]);
        }
    }
}
