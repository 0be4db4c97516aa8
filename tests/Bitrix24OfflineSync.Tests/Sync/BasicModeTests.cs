using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Emulator.Generator;
using Bitrix24OfflineSync.Emulator.Portals;
using Bitrix24OfflineSync.TestKit;
using Bitrix24OfflineSync.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Bitrix24OfflineSync.Tests.Sync;

public sealed class BasicModeTests
{
    [Fact]
    public async Task APlanWithoutOfflineExtended_IsDrainedWithClear1AndSaysWhatThatGuarantees()
    {
        await using var fixture = await SyncFixture.StartAsync();
        var portal = await fixture.InstallAndBindAsync(doorbell: false, offlineExtended: false);
        new ChangeGenerator(fixture.World, portal, new ChangeGeneratorOptions { Objects = 40, Seed = 8 }).Generate(120);
        await fixture.World.WhenEventsWrittenAsync(TestContext.Current.CancellationToken);

        await fixture.BindDoorbellAsync(portal);
        fixture.World.CallAsUser(portal, "crm.deal.add", new JsonObject { ["fields"] = new JsonObject { ["TITLE"] = "ring" } });
        await fixture.WaitUntilDrainedAsync(portal);

        await MirrorAssert.EventuallyMatchesEmulatorAsync(fixture, portal);
        Assert.DoesNotContain(portal.Stats.CallLog, e => e.Method == "event.offline.clear");
        Assert.All(portal.Stats.CallLog.Where(e => e.Method == "event.offline.get"), e => Assert.Equal(200, e.Status));
        Assert.NotEmpty(fixture.Service.Logs.Of(1306));
        Assert.Empty(await fixture.Inbox.ReadAsync(portal.MemberId, 100, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task RowsTakenWithClear1_SurviveACrashBeforeTheirCommitInTheLocalInbox()
    {
        await using var fixture = await SyncFixture.StartAsync();
        var portal = await fixture.InstallAndBindAsync(doorbell: false, offlineExtended: false);
        // The sink cannot be reached: rows taken with clear=1 are gone from the portal, so only the inbox holds them.
        // While the inbox holds rows the sink refused, the drain takes no more, so all three are queued before the
        // doorbell that makes one read take them together.
        var reads = portal.Stats.CallsOf("event.offline.get");
        await fixture.RestartServiceAsync(services: s => s.AddSingleton<Bitrix24OfflineSync.Sinks.ISyncSink>(new FailingSink()));
        await Wait.UntilAsync(() => portal.Stats.CallsOf("event.offline.get") > reads, "the restarted service's pass at start has read the empty queue");
        fixture.World.CallAsUser(portal, "crm.company.add", new JsonObject { ["fields"] = new JsonObject { ["TITLE"] = "kept" } });
        fixture.World.CallAsUser(portal, "crm.company.add", new JsonObject { ["fields"] = new JsonObject { ["TITLE"] = "also kept" } });
        await fixture.World.WhenEventsWrittenAsync(TestContext.Current.CancellationToken);
        await fixture.BindDoorbellAsync(portal);
        fixture.World.CallAsUser(portal, "crm.company.add", new JsonObject { ["fields"] = new JsonObject { ["TITLE"] = "rings" } });
        await Wait.UntilAsync(
            async () => (await fixture.Inbox.ReadAsync(portal.MemberId, 100, TestContext.Current.CancellationToken)).Count == 3,
            "the three changes sit in the local inbox");

        Assert.Equal(0, portal.Queue.Count);
        Assert.Empty(await fixture.Mirror.ListAsync(portal.MemberId, TestContext.Current.CancellationToken));
        await fixture.RestartServiceAsync();
        await Wait.UntilAsync(
            async () => (await fixture.Inbox.ReadAsync(portal.MemberId, 100, TestContext.Current.CancellationToken)).Count == 0,
            "the restarted service has committed the inbox");

        await MirrorAssert.EventuallyMatchesEmulatorAsync(fixture, portal);
    }

    [Fact]
    public async Task APlanThatLosesOfflineExtended_IsSwitchedToBasicModeByItsFirstRefusedReservation()
    {
        await using var fixture = await SyncFixture.StartAsync();
        var portal = await fixture.InstallAndBindAsync();
        fixture.World.CallAsUser(portal, "crm.deal.add", new JsonObject { ["fields"] = new JsonObject { ["TITLE"] = "while extended" } });
        await fixture.WaitUntilDrainedAsync(portal);
        var featureChecks = portal.Stats.CallsOf("feature.get");

        portal.SetFeature(EmulatedPortal.OfflineExtendedFeature, false);
        fixture.World.CallAsUser(portal, "crm.deal.add", new JsonObject { ["fields"] = new JsonObject { ["TITLE"] = "after the downgrade" } });
        await fixture.WaitUntilDrainedAsync(portal);

        await MirrorAssert.EventuallyMatchesEmulatorAsync(fixture, portal);
        Assert.Equal(featureChecks, portal.Stats.CallsOf("feature.get"));
        Assert.Single(portal.Stats.CallLog.Where(e => e.ErrorCode == "WRONG_LICENSE").Select(e => e.RequestId).Distinct());
        Assert.Equal("rest_offline_extended", Assert.Single(fixture.Service.Logs.Of(1314))["Feature"]);
        Assert.False((await fixture.Service.Get<Bitrix24OfflineSync.Portals.IPortalSyncState>().PlanAsync(portal.MemberId, TestContext.Current.CancellationToken))!.OfflineExtended);
    }

    [Fact]
    public async Task ReservationsRecordedBeforeThePlanLostTheFeature_AreReadBackWithClear1AndSynced()
    {
        await using var fixture = await SyncFixture.StartAsync();
        var portal = await fixture.InstallAndBindAsync();
        fixture.World.CallAsUser(portal, "crm.lead.add", new JsonObject { ["fields"] = new JsonObject { ["TITLE"] = "while extended" } });
        await fixture.WaitUntilDrainedAsync(portal);
        using (var app = fixture.AppClient(portal))
        {
            // No doorbell while the reservation is staged: the service must not drain it first.
            (await app.CallAsync("event.unbind", new JsonObject { ["event"] = "ONOFFLINEEVENT", ["handler"] = fixture.Service.EventsUrl.ToString() }, TestContext.Current.CancellationToken)).EnsureSuccess();
            fixture.World.CallAsUser(portal, "crm.lead.add", new JsonObject { ["fields"] = new JsonObject { ["TITLE"] = "reserved" } });
            await fixture.World.WhenEventsWrittenAsync(TestContext.Current.CancellationToken);

            // A reservation the service recorded, as if it had crashed before processing it.
            var reserved = (await app.CallAsync("event.offline.get", new JsonObject { ["clear"] = 0 }, TestContext.Current.CancellationToken)).EnsureSuccess();
            var processId = reserved.Body!["result"]!["process_id"]!.GetValue<string>();
            await fixture.Journal.RecordAsync(portal.MemberId, [processId], errorQueue: false, TestContext.Current.CancellationToken);
        }

        portal.SetFeature(EmulatedPortal.OfflineExtendedFeature, false);
        await fixture.BindDoorbellAsync(portal);
        fixture.World.CallAsUser(portal, "crm.lead.add", new JsonObject { ["fields"] = new JsonObject { ["TITLE"] = "rings" } });
        await fixture.WaitUntilDrainedAsync(portal);

        await MirrorAssert.EventuallyMatchesEmulatorAsync(fixture, portal);
        Assert.Equal(0, portal.Queue.Count);
        Assert.Contains(portal.Stats.CallLog, e => e.Method == "event.offline.get" && e.Status == 200 && e.ProcessId is { Length: > 0 } && !e.InBatch);
    }

    private sealed class FailingSink : Bitrix24OfflineSync.Sinks.ISyncSink
    {
        public string Name => "failing";

        public Task<Bitrix24OfflineSync.Sinks.SinkCommitResult> CommitAsync(Bitrix24OfflineSync.Sinks.SinkBatch batch, CancellationToken cancellationToken) =>
            throw new Bitrix24OfflineSync.Sinks.SinkUnavailableException("the sink is down");

        public Task ForgetPortalAsync(string memberId, string? domain, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task FieldsReadAsync(bool changed, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
