using System.Diagnostics.Metrics;
using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Emulator.Portals;
using Bitrix24OfflineSync.Operations;
using Bitrix24OfflineSync.Sync.Journal;
using Bitrix24OfflineSync.Telemetry;
using Bitrix24OfflineSync.TestKit;
using Bitrix24OfflineSync.Tests.Infrastructure;
using Bitrix24OfflineSync.Tests.Sinks;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace Bitrix24OfflineSync.Tests.Sync;

/// <summary>
/// A receiver that refuses one object, through the whole drain: the others flow, the refused one is retried on its
/// own, then dead-lettered with its row marked with <c>event.offline.error</c>; a later change the receiver accepts, or
/// an operator's replay, delivers its current state and ends the dead letter. A receiver that is only down refuses
/// nothing, however long.
/// </summary>
public sealed class SinkRefusalTests
{
    private const string Invalid = """{"error":"validation failed","field":"TITLE"}""";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task OneDealTheReceiverRefuses_DelaysNoneOfTheOther29_AndEndsAsADeadLetterWithItsRowMarked()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        await using var fixture = await StartAsync(receiver, errorPassInterval: "01:00:00");
        using var deadLetters = new MetricCollector<long>(fixture.Service.Get<IMeterFactory>(), ServiceTelemetry.Name, "b24sync_dead_letters");
        var portal = await fixture.InstallAndBindAsync();
        receiver.Refuse(d => HttpSinkKit.Titles(d).Contains("Deal 8"), 422, Invalid);

        var ids = AddDeals(fixture, portal, 30);
        await fixture.WaitUntilDrainedAsync(portal);

        var letter = Assert.Single(await fixture.Failures.DeadLettersAsync(portal.MemberId, Ct));
        Assert.Equal(("crm.deal", ids[7], "ONCRMDEALADD"), (letter.Entity, letter.EntityId, letter.EventName));
        Assert.Equal((DeadLetterCause.SinkRefused, "HTTP 422", Invalid, 3), (letter.Cause, letter.Status, letter.Answer, letter.Attempts));
        // Its row is set aside by Bitrix24, not cleared: error=1 lists it, and nothing else is left.
        var row = Assert.Single(portal.Queue.Snapshot());
        Assert.True(row.Error);
        Assert.Equal(ids[7], row.EventData!["FIELDS"]!["ID"]!.ToString());
        Assert.Equal(1, portal.Queue.Depth(fixture.World.DefaultApp, error: true));

        // The other 29 went in the first round, before the refused deal's first retry on its own.
        var deliveries = receiver.TakeAll();
        var retryOfTheRefused = deliveries.Select((d, i) => (d, i)).Where(x => HttpSinkKit.ChangeIds(x.d) is [var id] && id == ids[7]).Skip(1).First().i;
        var delivered = deliveries.Take(retryOfTheRefused).Where(d => !HttpSinkKit.Titles(d).Contains("Deal 8")).SelectMany(HttpSinkKit.ChangeIds).ToHashSet();
        Assert.Equal(ids.Where(id => id != ids[7]).Order(), delivered.Order());
        Assert.Equal(3, deliveries.Count(d => HttpSinkKit.ChangeIds(d) is [var id] && id == ids[7]));

        // Operators are told which object and how it was refused, never what the receiver answered.
        var logged = Assert.Single(fixture.Service.Logs.Of(1340));
        Assert.Equal(("crm.deal", ids[7], "HTTP 422"), (logged["Entity"], logged["EntityId"], logged["Status"]));
        Assert.DoesNotContain(fixture.Service.Logs.Lines, l => l.Contains("validation failed", StringComparison.Ordinal));
        var counted = Assert.Single(deadLetters.GetMeasurementSnapshot());
        Assert.Equal(("crm.deal", "sink_refused", 1L), (counted.Tags["entity"] as string, counted.Tags["reason"] as string, counted.Value));
    }

    [Fact]
    public async Task AReceiverDownForAWhile_LosesNothingAndDeadLettersNothing()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        await using var fixture = await StartAsync(receiver, errorPassInterval: "00:00:01", maxItemAttempts: 2);
        var portal = await fixture.InstallAndBindAsync();
        await receiver.GoDownAsync();

        var ids = AddDeals(fixture, portal, 30);
        // Far more rounds fail than an object may fail before it is dead-lettered: first with no one listening, then
        // with a receiver that answers 503.
        await Wait.UntilAsync(() => fixture.Service.Logs.Of(1302).Count >= 4, "four rounds failed with the receiver down");
        await receiver.ComeBackAsync();
        receiver.DefaultStatus = 503;
        await Wait.UntilAsync(() => receiver.TakeAll().Count > 0 && fixture.Service.Logs.Of(1302).Count >= 8, "four more rounds failed on 503");
        Assert.DoesNotContain(portal.Stats.CallLog, e => e.Method is "event.offline.clear" or "event.offline.error");
        receiver.DefaultStatus = 200;
        await fixture.WaitUntilDrainedAsync(portal);

        var delivered = receiver.TakeAll().Where(d => d.Body.Length > 0).SelectMany(HttpSinkKit.ChangeIds).ToHashSet();
        Assert.Equal(ids.Order(), delivered.Order());
        Assert.Empty(await fixture.Failures.DeadLettersAsync(portal.MemberId, Ct));
        Assert.Equal(0, portal.Queue.Count);
        Assert.DoesNotContain(portal.Stats.CallLog, e => e.Method == "event.offline.error");
    }

    [Fact]
    public async Task AReplay_AfterTheReceiverIsFixed_DeliversTheStateTheObjectHasNow_AndEndsTheDeadLetter()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        await using var fixture = await StartAsync(receiver, errorPassInterval: "01:00:00");
        var portal = await fixture.InstallAndBindAsync();
        var ids = await DeadLetterAnUpdateAsync(fixture, portal, receiver, refuseId: true);

        // Changed while it is a dead letter: the change merges into the error row, which only error=1 lists.
        Rename(fixture, portal, ids[7], "Deal 8, fixed");
        await fixture.World.WhenEventsWrittenAsync(Ct);
        Assert.Equal((1, 0), (portal.Queue.Depth(fixture.World.DefaultApp, error: true), portal.Queue.Depth(fixture.World.DefaultApp, error: false)));
        receiver.Refuse(null);
        receiver.TakeAll();

        var (code, output) = await ReplayAsync(fixture, portal, "--entity", "crm.deal", "--id", ids[7]);

        Assert.Equal(OperatorCommands.Done, code);
        Assert.Contains("replay asked for 1 dead letters", output, StringComparison.Ordinal);
        Assert.Equal(["Deal 8, fixed"], await LastDeliveredWhenNoDeadLetterIsLeftAsync(fixture, portal, receiver, ids[7]));
        await Wait.UntilAsync(() => portal.Queue.Count == 0, "the error row is cleared");
        Assert.Contains(fixture.Service.Logs.Of(1341), e => e["EntityId"] == ids[7]);
    }

    [Fact]
    public async Task AReplay_OfADeadLetterWhoseRowIsGone_ResolvesItsObjectFromTheEventKeptWithIt()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        await using var fixture = await StartAsync(receiver, errorPassInterval: "00:00:00.500");
        var portal = await fixture.InstallAndBindAsync();
        var ids = await DeadLetterAnUpdateAsync(fixture, portal, receiver, refuseId: true);
        // The pass over the error rows tries it once more, is refused again, and clears the row it cannot mark again.
        await Wait.UntilAsync(() => portal.Queue.Count == 0, "the pass over the error rows has taken the error row");
        Assert.Single(await fixture.Failures.DeadLettersAsync(portal.MemberId, Ct));
        receiver.Refuse(null);
        receiver.TakeAll();

        var (code, _) = await ReplayAsync(fixture, portal, "--all");

        Assert.Equal(OperatorCommands.Done, code);
        Assert.Equal(["Deal 8 v2"], await LastDeliveredWhenNoDeadLetterIsLeftAsync(fixture, portal, receiver, ids[7]));
        Assert.NotEmpty(fixture.Service.Logs.Of(1342));
    }

    [Fact]
    public async Task ALaterChangeTheReceiverAccepts_EndsTheDeadLetter()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        await using var fixture = await StartAsync(receiver, errorPassInterval: "00:00:02");
        var portal = await fixture.InstallAndBindAsync();
        var ids = await DeadLetterAnUpdateAsync(fixture, portal, receiver, refuseId: false);

        // The receiver refused "Deal 8 v2"; the deal is put right in Bitrix24, and its next state is accepted.
        Rename(fixture, portal, ids[7], "Deal 8 v3");

        Assert.Equal(["Deal 8 v3"], await LastDeliveredWhenNoDeadLetterIsLeftAsync(fixture, portal, receiver, ids[7]));
        await Wait.UntilAsync(() => portal.Queue.Count == 0, "the error row is cleared");
    }

    private static Task<SyncFixture> StartAsync(HttpReceiver receiver, string errorPassInterval, int maxItemAttempts = 3)
    {
        var settings = HttpSinkKit.Settings(new Uri(receiver.BaseAddress, "hooks"), HttpSinkKit.NewSecret(), maxAttempts: 2);
        settings["Sync:MaxItemAttempts"] = maxItemAttempts.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["Sync:RetryDelay"] = "00:00:00.100";
        settings["Sync:ErrorPassInterval"] = errorPassInterval;
        settings["Sync:SignalScanInterval"] = "00:00:00.200";
        return SyncFixture.StartAsync(settings);
    }

    /// <summary>Thirty deals, synced; then each renamed "Deal N v2", and the eighth's update refused until it is a dead letter.</summary>
    private static async Task<IReadOnlyList<string>> DeadLetterAnUpdateAsync(SyncFixture fixture, EmulatedPortal portal, HttpReceiver receiver, bool refuseId)
    {
        var ids = AddDeals(fixture, portal, 30);
        await fixture.WaitUntilDrainedAsync(portal);
        receiver.Refuse(refuseId ? d => HttpSinkKit.ChangeIds(d).Contains(ids[7]) : d => HttpSinkKit.Titles(d).Contains("Deal 8 v2"), 422, Invalid);
        for (var i = 0; i < ids.Count; i++)
        {
            Rename(fixture, portal, ids[i], $"Deal {i + 1} v2");
        }

        await fixture.WaitUntilDrainedAsync(portal);
        var letter = Assert.Single(await fixture.Failures.DeadLettersAsync(portal.MemberId, Ct));
        Assert.Equal((ids[7], "ONCRMDEALUPDATE"), (letter.EntityId, letter.EventName));
        return ids;
    }

    /// <summary>Waits until the portal has no dead letter left, and answers the titles of the last delivery of the deal.</summary>
    private static async Task<IReadOnlyList<string?>> LastDeliveredWhenNoDeadLetterIsLeftAsync(SyncFixture fixture, EmulatedPortal portal, HttpReceiver receiver, string id)
    {
        await Wait.UntilAsync(async () => (await fixture.Failures.DeadLettersAsync(portal.MemberId, Ct)).Count == 0, "the dead letter ended");
        return HttpSinkKit.Titles(receiver.TakeAll().Last(d => HttpSinkKit.ChangeIds(d).Contains(id)));
    }

    private static List<string> AddDeals(SyncFixture fixture, EmulatedPortal portal, int count) =>
        [.. Enumerable.Range(1, count).Select(i =>
            fixture.World.CallAsUser(portal, "crm.deal.add", new JsonObject { ["fields"] = new JsonObject { ["TITLE"] = $"Deal {i}" } }).Result!.ToString())];

    private static void Rename(SyncFixture fixture, EmulatedPortal portal, string id, string title) =>
        fixture.World.CallAsUser(portal, "crm.deal.update", new JsonObject { ["id"] = id, ["fields"] = new JsonObject { ["TITLE"] = title } });

    /// <summary>The verb, run as its own app on the service's data (as Program.cs dispatches it).</summary>
    private static async Task<(int Code, string Output)> ReplayAsync(SyncFixture fixture, EmulatedPortal portal, params string[] target)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await OperatorCommands.RunAsync(
            ["deadletters", "replay", portal.MemberId, .. target, $"--Storage:DataDirectory={fixture.Service.DataDirectory}"], output, error);
        return (code, output + error.ToString());
    }
}
