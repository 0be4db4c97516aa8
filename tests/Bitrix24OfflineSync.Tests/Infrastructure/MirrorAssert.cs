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

    /// <param name="mirror">The service's mirror.</param>
    /// <param name="portal">The emulated portal.</param>
    /// <param name="smartProcessTypes">The smart-process types synced (their items are expected as <c>crm.item.{type}</c>); none by default.</param>
    /// <param name="activities">Whether activities are synced.</param>
    public static async Task MatchesEmulatorAsync(IMirrorStore mirror, EmulatedPortal portal, IEnumerable<int>? smartProcessTypes = null, bool activities = false)
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

        foreach (var type in smartProcessTypes ?? [])
        {
            foreach (var item in portal.SmartProcesses.Snapshot(type))
            {
                expected[($"crm.item.{type}", item["id"]!.ToString())] = item;
            }
        }

        foreach (var activity in activities ? portal.Activities.Snapshot() : [])
        {
            expected[("crm.activity", activity["ID"]!.ToString())] = activity;
        }

        Assert.Equal(expected.Keys.Order(), live.Keys.Order());
        foreach (var (key, source) in expected)
        {
            var mirrored = JsonNode.Parse(live[key].State!)!.AsObject();
            foreach (var (field, value) in mirrored)
            {
                if (key.Item1 == "crm.activity" && field == "COMMUNICATIONS")
                {
                    // Selected by name, so the service has it; the emulator's snapshot is the "*" projection without it.
                    Assert.NotNull(value);
                    continue;
                }

                Assert.True(JsonNode.DeepEquals(source[field], value), $"{key} field {field}: mirror {value?.ToJsonString()} vs emulator {source[field]?.ToJsonString()}");
            }

            Assert.NotNull(mirrored[key.Item1 switch
            {
                "task" => "changedDate",
                "crm.activity" => "LAST_UPDATED",
                var entity when entity.StartsWith("crm.item.", StringComparison.Ordinal) => "updatedTime",
                _ => "DATE_MODIFY",
            }]);
        }
    }
}
