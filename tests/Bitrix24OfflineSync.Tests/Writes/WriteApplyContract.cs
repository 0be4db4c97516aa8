using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Bitrix24OfflineSync.TestKit;

namespace Bitrix24OfflineSync.Tests.Writes;

/// <summary>
/// The write-back end to end against the emulator, on each provider: writes applied in the portal's turn, their
/// read-back in the mirror with origin <c>write</c> and the key, no echo, idempotent intake, field checks, Bitrix24's
/// errors, conflicts, and a create whose answer is lost (also across a restart) made exactly once.
/// </summary>
public abstract class WriteApplyContract
{
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;

    protected abstract bool Postgres { get; }

    [Fact]
    public async Task CreateUpdateDelete_AreApplied_TheReadBackIsInTheMirrorWithOriginWriteAndTheKey_AndNothingEchoes()
    {
        await using var kit = await WriteKit.StartAsync(Postgres);
        var portal = await kit.InstallAsync();

        var accepted = await kit.AcceptAsync(
            portal.MemberId,
            WriteKit.Write("c-1", "crm.deal", "create", fields: new JsonObject { ["TITLE"] = "From the ERP", ["OPPORTUNITY"] = "150.00" }),
            WriteKit.Write("c-2", "crm.contact", "create", fields: new JsonObject { ["NAME"] = "Ann" }));
        var created = await kit.FinalAsync(portal.MemberId, "c-1");
        var dealId = created["id"]!.GetValue<string>();
        var contactId = (await kit.FinalAsync(portal.MemberId, "c-2"))["id"]!.GetValue<string>();
        await kit.AcceptAsync(
            portal.MemberId,
            WriteKit.Write("u-1", "crm.deal", "update", dealId, new JsonObject { ["TITLE"] = "Renamed by the ERP" }),
            WriteKit.Write("d-1", "crm.contact", "delete", contactId));
        var updated = await kit.FinalAsync(portal.MemberId, "u-1");
        var deleted = await kit.FinalAsync(portal.MemberId, "d-1");
        await kit.Fixture.WaitUntilDrainedAsync(portal);

        Assert.Equal(["queued", "queued"], accepted["writes"]!.AsArray().Select(w => w!["status"]!.GetValue<string>()));
        Assert.Equal("applied", created["status"]!.GetValue<string>());
        Assert.NotNull(created["appliedAt"]);
        Assert.Equal("applied", updated["status"]!.GetValue<string>());
        Assert.Equal("applied", deleted["status"]!.GetValue<string>());
        var deal = portal.Crm.Snapshot(Emulator.Crm.CrmEntityType.Deal).Single();
        Assert.Equal("Renamed by the ERP", deal["TITLE"]!.GetValue<string>());
        Assert.Equal("b24sync", deal["ORIGINATOR_ID"]!.GetValue<string>());
        Assert.Equal("c-1", deal["ORIGIN_ID"]!.GetValue<string>());
        Assert.False(portal.Crm.Exists(Emulator.Crm.CrmEntityType.Contact, long.Parse(contactId, CultureInfo.InvariantCulture)));
        var row = await kit.Mirror.FindAsync(portal.MemberId, "crm.deal", dealId, Ct);
        Assert.NotNull(row);
        Assert.Equal("write", row.Origin);
        Assert.Equal("u-1", row.WriteKey);
        Assert.Contains("Renamed by the ERP", row.State, StringComparison.Ordinal);
        var tombstone = await kit.Mirror.FindAsync(portal.MemberId, "crm.contact", contactId, Ct);
        Assert.True(tombstone is { Deleted: true, Origin: "write", WriteKey: "d-1" });
        Assert.Equal(0, portal.Queue.Depth(kit.World.DefaultApp, WriteKit.Connector));
    }

    [Fact]
    public async Task TheSameKeyWithTheSameContent_AnswersTheWritesStatus_AndWithOtherContent409_StoringNothing()
    {
        await using var kit = await WriteKit.StartAsync(Postgres);
        var portal = await kit.InstallAsync();
        var write = WriteKit.Write("k-1", "crm.deal", "create", fields: new JsonObject { ["TITLE"] = "Once" });
        await kit.AcceptAsync(portal.MemberId, write);
        await kit.FinalAsync(portal.MemberId, "k-1");

        var again = await kit.AcceptAsync(portal.MemberId, WriteKit.Write("k-1", "crm.deal", "create", fields: new JsonObject { ["TITLE"] = "Once" }));
        using var other = await kit.PostAsync(
            portal.MemberId,
            WriteKit.Write("k-2", "crm.deal", "create", fields: new JsonObject { ["TITLE"] = "New" }),
            WriteKit.Write("k-1", "crm.deal", "create", fields: new JsonObject { ["TITLE"] = "Twice" }));

        Assert.Equal("applied", again["writes"]![0]!["status"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Conflict, other.StatusCode);
        Assert.Null(await kit.StatusAsync(portal.MemberId, "k-2"));
        Assert.Equal(1, portal.Crm.Count(Emulator.Crm.CrmEntityType.Deal));
    }

    [Fact]
    public async Task AWriteNamingAnUnknownOrReadOnlyField_EndsFailedWithTheNames_AndChangesNothing()
    {
        await using var kit = await WriteKit.StartAsync(Postgres);
        var portal = await kit.InstallAsync();

        await kit.AcceptAsync(
            portal.MemberId,
            WriteKit.Write("f-1", "crm.deal", "create", fields: new JsonObject { ["TITLE"] = "A", ["TITEL"] = "typo" }),
            WriteKit.Write("f-2", "crm.deal", "create", fields: new JsonObject { ["TITLE"] = "A", ["DATE_CREATE"] = "2020-01-01T00:00:00+03:00" }));
        var unknown = await kit.FinalAsync(portal.MemberId, "f-1");
        var readOnly = await kit.FinalAsync(portal.MemberId, "f-2");

        Assert.Equal("failed", unknown["status"]!.GetValue<string>());
        Assert.Equal("UNKNOWN_FIELD", unknown["error"]!["code"]!.GetValue<string>());
        Assert.Contains("TITEL", unknown["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("READ_ONLY_FIELD", readOnly["error"]!["code"]!.GetValue<string>());
        Assert.Contains("DATE_CREATE", readOnly["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(0, portal.Crm.Count(Emulator.Crm.CrmEntityType.Deal));
    }

    [Fact]
    public async Task AnUpdateOfAnObjectThePortalLacks_EndsFailedWithBitrix24sError()
    {
        await using var kit = await WriteKit.StartAsync(Postgres);
        var portal = await kit.InstallAsync();

        await kit.AcceptAsync(portal.MemberId, WriteKit.Write("m-1", "crm.deal", "update", "999", new JsonObject { ["TITLE"] = "B" }));
        var failed = await kit.FinalAsync(portal.MemberId, "m-1");

        Assert.Equal("failed", failed["status"]!.GetValue<string>());
        Assert.Equal("NOT_FOUND", failed["error"]!["code"]!.GetValue<string>());
        Assert.Equal("Not found", failed["error"]!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task AnObjectModifiedAfterIfUnmodifiedSince_EndsInConflictWithThePortalsTime_AndKeepsTheUsersEdit()
    {
        await using var kit = await WriteKit.StartAsync(Postgres);
        var portal = await kit.InstallAsync();
        var id = kit.World.CallAsUser(portal, "crm.deal.add", new JsonObject { ["fields"] = new JsonObject { ["TITLE"] = "User's" } }).Result!.ToString();
        var modified = DateTimeOffset.Parse(portal.Crm.Snapshot(Emulator.Crm.CrmEntityType.Deal).Single()["DATE_MODIFY"]!.GetValue<string>(), CultureInfo.InvariantCulture);

        await kit.AcceptAsync(
            portal.MemberId,
            WriteKit.Write("s-1", "crm.deal", "update", id, new JsonObject { ["TITLE"] = "Stale" }, modified.AddMinutes(-5).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture)),
            WriteKit.Write("s-2", "crm.deal", "update", id, new JsonObject { ["COMMENTS"] = "Fresh" }, modified.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture)));
        var stale = await kit.FinalAsync(portal.MemberId, "s-1");
        var fresh = await kit.FinalAsync(portal.MemberId, "s-2");

        Assert.Equal("conflict", stale["status"]!.GetValue<string>());
        Assert.Equal("CONFLICT", stale["error"]!["code"]!.GetValue<string>());
        Assert.Contains(modified.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture), stale["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("applied", fresh["status"]!.GetValue<string>());
        var deal = portal.Crm.Snapshot(Emulator.Crm.CrmEntityType.Deal).Single();
        Assert.Equal("User's", deal["TITLE"]!.GetValue<string>());
        Assert.Equal("Fresh", deal["COMMENTS"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ACreateWhoseAnswerIsLost_IsFoundByItsOrigin_AndMadeExactlyOnce_EvenAcrossARestart(bool restart)
    {
        await using var kit = await WriteKit.StartAsync(Postgres);
        var portal = await kit.InstallAsync();
        portal.Faults.DropNextResponses("crm.deal.add");

        await kit.AcceptAsync(portal.MemberId, WriteKit.Write("lost-1", "crm.deal", "create", fields: new JsonObject { ["TITLE"] = "Lost answer" }));
        await Wait.UntilAsync(() => portal.Crm.Count(Emulator.Crm.CrmEntityType.Deal) == 1, "the create was made");
        if (restart)
        {
            // The instance that sent it is gone before it could learn the outcome: what it stored is all there is.
            await kit.RestartAsync();
        }

        var status = await kit.FinalAsync(portal.MemberId, "lost-1");

        Assert.Equal("applied", status["status"]!.GetValue<string>());
        var deal = Assert.Single(portal.Crm.Snapshot(Emulator.Crm.CrmEntityType.Deal));
        Assert.Equal(deal["ID"]!.GetValue<string>(), status["id"]!.GetValue<string>());
        var row = await kit.Mirror.FindAsync(portal.MemberId, "crm.deal", deal["ID"]!.GetValue<string>(), Ct);
        Assert.Equal("lost-1", row?.WriteKey);
    }

    [Fact]
    public async Task AutomationInTheSameRequest_IsSkippedByTheQueue_AndReachesTheMirrorThroughTheReadBack()
    {
        await using var kit = await WriteKit.StartAsync(Postgres);
        var portal = await kit.InstallAsync();
        var id = kit.World.CallAsUser(portal, "crm.deal.add", new JsonObject { ["fields"] = new JsonObject { ["TITLE"] = "A" } }).Result!.ToString();
        await kit.Fixture.WaitUntilDrainedAsync(portal);
        portal.Automation.SetOnUpdate("crm.deal", new JsonObject { ["STAGE_ID"] = "PREPARATION" });

        await kit.AcceptAsync(portal.MemberId, WriteKit.Write("a-1", "crm.deal", "update", id, new JsonObject { ["TITLE"] = "B" }));
        await kit.FinalAsync(portal.MemberId, "a-1");
        await kit.Fixture.WaitUntilDrainedAsync(portal);

        var row = await kit.Mirror.FindAsync(portal.MemberId, "crm.deal", id, Ct);
        Assert.Equal("a-1", row?.WriteKey);
        var state = JsonNode.Parse(row!.State!)!;
        Assert.Equal("B", state["TITLE"]!.GetValue<string>());
        Assert.Equal("PREPARATION", state["STAGE_ID"]!.GetValue<string>());
        Assert.Equal(0, portal.Queue.Depth(kit.World.DefaultApp, WriteKit.Connector));
    }

    [Fact]
    public async Task ASmartProcessItemCreate_CarriesTheOriginInOriginId_AndIsReadBack()
    {
        var kitTask = WriteKit.StartAsync(Postgres);
        await using var kit = await kitTask;
        var type = 0;
        var portal = await kit.InstallAsync(p => type = p.SmartProcesses.AddType("Orders").EntityTypeId);

        await kit.AcceptAsync(portal.MemberId, WriteKit.Write("i-1", $"crm.item.{type}", "create", fields: new JsonObject { ["title"] = "Order 1" }));
        var status = await kit.FinalAsync(portal.MemberId, "i-1");

        Assert.Equal("applied", status["status"]!.GetValue<string>());
        var row = await kit.Mirror.FindAsync(portal.MemberId, $"crm.item.{type}", status["id"]!.GetValue<string>(), Ct);
        Assert.Equal("i-1", row?.WriteKey);
        var state = JsonNode.Parse(row!.State!)!;
        Assert.Equal("i-1", state["originId"]!.GetValue<string>());
        Assert.Equal("Order 1", state["title"]!.GetValue<string>());
    }
}

public sealed class SqliteWriteApplyTests : WriteApplyContract
{
    protected override bool Postgres => false;
}

public sealed class PostgresWriteApplyTests : WriteApplyContract
{
    protected override bool Postgres => true;
}
