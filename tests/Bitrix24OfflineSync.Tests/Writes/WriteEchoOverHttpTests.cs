using System.Text.Json.Nodes;
using Bitrix24OfflineSync.TestKit;
using Bitrix24OfflineSync.Tests.Sinks;

namespace Bitrix24OfflineSync.Tests.Writes;

/// <summary>
/// A queue row for the service's own write that does arrive (Bitrix24 skips it only for the caller's app and connector:
/// a queue bound under another connector gets it) brings the state the write's read-back delivered: the HTTP receiver
/// gets that state once, and a user's later change as usual.
/// </summary>
public sealed class WriteEchoOverHttpTests
{
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task TheQueueRowOfTheServicesOwnWrite_BringsTheStateDeliveredAlready_AndIsNotSentAgain_WhileAUsersChangeIs()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        var secret = HttpSinkKit.NewSecret();
        var settings = HttpSinkKit.Settings(new Uri(receiver.BaseAddress, "hooks"), secret);
        settings["Bitrix24:AuthConnector"] = null;
        await using var kit = await WriteKit.StartAsync(postgres: false, settings);
        var portal = await kit.Fixture.InstallAndBindAsync("shop.bitrix24.com");
        var dealId = kit.World.CallAsUser(portal, "crm.deal.add", new JsonObject { ["fields"] = new JsonObject { ["TITLE"] = "Made by a user" } }).Result!.ToString();
        await kit.Fixture.WaitUntilDrainedAsync(portal);
        receiver.TakeAll();
        var clears = ClearsOf(portal);

        await kit.AcceptAsync(portal.MemberId, WriteKit.Write("u-1", "crm.deal", "update", dealId, new JsonObject { ["TITLE"] = "Renamed by the ERP" }));
        Assert.Equal("applied", (await kit.FinalAsync(portal.MemberId, "u-1"))["status"]!.GetValue<string>());
        await kit.Fixture.WaitUntilDrainedAsync(portal);
        // The write's call and the queue share the app and the (empty) connector, so the server queued nothing: the row
        // another connector's queue would hold is put in as the server writes one.
        portal.Queue.Upsert(kit.World.DefaultApp.ClientId, "", "ONCRMDEALUPDATE", new JsonObject { ["FIELDS"] = new JsonObject { ["ID"] = long.Parse(dealId, System.Globalization.CultureInfo.InvariantCulture) } }, userId: 1);
        await kit.Fixture.WaitUntilDrainedAsync(portal);

        // The write's row was reserved, its object read, and the row cleared.
        Assert.True(ClearsOf(portal) > clears, "the write's queue row was never drained");
        var afterWrite = Changes(receiver, secret);
        var delivered = Assert.Single(afterWrite);
        Assert.Equal("write", delivered["origin"]!.GetValue<string>());
        Assert.Equal("u-1", delivered["writeKey"]!.GetValue<string>());
        Assert.Equal("Renamed by the ERP", delivered["state"]!["TITLE"]!.GetValue<string>());

        kit.World.CallAsUser(portal, "crm.deal.update", new JsonObject { ["id"] = dealId, ["fields"] = new JsonObject { ["TITLE"] = "Renamed by a user" } });
        await kit.Fixture.WaitUntilDrainedAsync(portal);

        var userChange = Assert.Single(Changes(receiver, secret));
        Assert.Equal("event", userChange["origin"]!.GetValue<string>());
        Assert.Null(userChange["writeKey"]);
        Assert.Equal("Renamed by a user", userChange["state"]!["TITLE"]!.GetValue<string>());
    }

    private static int ClearsOf(Emulator.Portals.EmulatedPortal portal) => portal.Stats.CallLog.Count(e => e.Method == "event.offline.clear");

    private static List<JsonNode> Changes(HttpReceiver receiver, string secret) =>
    [
        .. receiver.TakeAll()
            .Where(d => StandardWebhook.SignatureIsValid(d, secret))
            .SelectMany(d => JsonNode.Parse(d.Body)!["changes"]!.AsArray())
            .Select(c => c!),
    ];
}
