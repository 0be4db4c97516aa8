using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Emulator.Diagnostics;
using Bitrix24OfflineSync.TestKit;
using Bitrix24OfflineSync.Tests.Infrastructure;

namespace Bitrix24OfflineSync.Tests.Sync;

/// <summary>A portal whose list methods run out of operating time in the middle of a drain.</summary>
public sealed class OperatingTimeDrainTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(4);
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(8);
    private static readonly string[] ListMethods = ["crm.deal.list", "crm.contact.list"];

    [Fact]
    public async Task ListMethodsBlockedMidDrain_PauseTheirObjects_AndEverythingReachesTheMirrorWithoutErrorsOrAskingBeforeTheReset()
    {
        await using var fixture = await SyncFixture.StartAsync(
            new Dictionary<string, string?>
            {
                ["Bitrix24:RequestBudget:OperatingLimit"] = Limit.ToString(),
                ["Bitrix24:RequestBudget:OperatingWindow"] = Window.ToString(),
            },
            configureEmulator: o =>
            {
                o.OperatingLimit.Enabled = true;
                o.OperatingLimit.Limit = Limit;
                o.OperatingLimit.Window = Window;
                foreach (var method in ListMethods)
                {
                    o.OperatingLimit.CostPerCall[method] = TimeSpan.FromSeconds(1);
                }
            });
        var portal = await fixture.InstallAndBindAsync(doorbell: false);

        // Another part of the app spends both list methods' operating time: the service cannot know they are blocked.
        using (var app = fixture.AppClient(portal))
        {
            foreach (var method in ListMethods)
            {
                // Called until the portal blocks it: the service's initial load may have spent some of it already.
                var answers = 0;
                while ((await app.CallAsync(method, cancellationToken: TestContext.Current.CancellationToken)).Status == System.Net.HttpStatusCode.OK)
                {
                    Assert.True(++answers <= 5, $"{method} was never blocked");
                }
            }
        }

        // 400 deals and 400 contacts: eight list commands each, twice what one window of either method allows.
        for (var i = 0; i < 400; i++)
        {
            fixture.World.CallAsUser(portal, "crm.deal.add", new JsonObject { ["fields"] = new JsonObject { ["TITLE"] = $"Deal {i}" } });
            fixture.World.CallAsUser(portal, "crm.contact.add", new JsonObject { ["fields"] = new JsonObject { ["NAME"] = $"Contact {i}" } });
        }

        await fixture.World.WhenEventsWrittenAsync(TestContext.Current.CancellationToken);
        await fixture.BindDoorbellAsync(portal);
        fixture.World.CallAsUser(portal, "crm.lead.add", new JsonObject { ["fields"] = new JsonObject { ["TITLE"] = "rings" } });
        await Wait.UntilAsync(() => portal.Stats.CallLog.Any(e => e.InBatch && e.ErrorCode == "OPERATION_TIME_LIMIT"), "the portal has refused a blocked list method inside a batch");
        await fixture.WaitUntilDrainedAsync(portal, TimeSpan.FromSeconds(90));

        await MirrorAssert.EventuallyMatchesEmulatorAsync(fixture, portal);
        var log = portal.Stats.CallLog;
        Assert.DoesNotContain(log, e => e.Method == "event.offline.error");
        Assert.Empty(await fixture.Failures.DeadLettersAsync(portal.MemberId, TestContext.Current.CancellationToken));
        Assert.Empty(fixture.Service.Logs.Of(1305));
        Assert.DoesNotContain(log, e => e.Method is "crm.deal.get" or "crm.contact.get");
        foreach (var method in ListMethods)
        {
            AssertNotAskedBeforeReset([.. log.Where(e => e.Method == method)]);
        }
    }

    /// <summary>
    /// After a request in which the portal refused the method, no later request carries it before the reset the
    /// portal announces: the first call counted in the window at that time plus the window, in whole unix seconds as
    /// <c>operating_reset_at</c> is written (every call of these methods is counted).
    /// </summary>
    private static void AssertNotAskedBeforeReset(IReadOnlyList<CallLogEntry> calls)
    {
        // The service sends list methods only inside batches: the test's own calls (outside) count toward the window,
        // but their refusals are not the service's to answer for.
        foreach (var refused in calls.Where(e => e.InBatch && e.ErrorCode == "OPERATION_TIME_LIMIT").GroupBy(e => e.RequestId).Select(g => g.First()))
        {
            var firstCounted = calls.First(e => e.Status == 200 && e.At > refused.At - Window);
            var resetAt = DateTimeOffset.FromUnixTimeSeconds(firstCounted.At.ToUnixTimeSeconds()) + Window;
            var next = calls.FirstOrDefault(e => e.InBatch && e.RequestId > refused.RequestId);
            Assert.True(next is null || next.At >= resetAt, $"{refused.Method} was asked at {next?.At:O}, before its reset at {resetAt:O}");
        }
    }
}
