using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Bitrix24OfflineSync.Emulator.Portals;
using Bitrix24OfflineSync.Operations;
using Bitrix24OfflineSync.Portals;
using Bitrix24OfflineSync.Registration;
using Bitrix24OfflineSync.Sync.Journal;
using Bitrix24OfflineSync.TestKit;
using Bitrix24OfflineSync.Tests.Infrastructure;

namespace Bitrix24OfflineSync.Tests.Operations;

public sealed class OperatorCommandTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("portals")]
    [InlineData("portals frobnicate")]
    [InlineData("portals unbind")]
    [InlineData("portals unbind --all")]
    [InlineData("portals rebind --everything")]
    [InlineData("portals list extra")]
    [InlineData("deadletters")]
    [InlineData("deadletters list")]
    [InlineData("deadletters list m1 extra")]
    [InlineData("deadletters replay m1")]
    [InlineData("deadletters replay --all")]
    [InlineData("deadletters replay m1 --entity crm.deal")]
    [InlineData("deadletters replay m1 --entity crm.deal --id")]
    [InlineData("deadletters replay m1 --id 8 --entity crm.deal")]
    [InlineData("key")]
    [InlineData("key old")]
    [InlineData("key new extra")]
    [InlineData("portals fields")]
    [InlineData("portals fields --all")]
    [InlineData("portals fields m1 --entity")]
    public async Task BadArguments_PrintTheUsageAndExitWith2(string commandLine)
    {
        var (code, output, error) = await RunAsync(commandLine.Split(' '));

        Assert.Equal(OperatorCommands.BadArguments, code);
        Assert.Empty(output);
        Assert.Contains("usage:", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_ShowsEachPortalWithStatusPlanDrain_TheObjectsTheMirrorHoldsNow_AndTheWrites()
    {
        await using var fixture = await SyncFixture.StartAsync();
        var portal = await fixture.InstallAndBindAsync();
        var kept = Add(fixture, portal, "kept");
        var deleted = Add(fixture, portal, "deleted");
        await fixture.WaitUntilDrainedAsync(portal);
        fixture.World.CallAsUser(portal, "crm.deal.update", new JsonObject { ["id"] = kept, ["fields"] = new JsonObject { ["TITLE"] = "kept, changed" } });
        await fixture.WaitUntilDrainedAsync(portal);
        fixture.World.CallAsUser(portal, "crm.deal.delete", new JsonObject { ["id"] = deleted });
        await fixture.WaitUntilDrainedAsync(portal);
        // The worker records each drain just after the queue and the journal are empty.
        var registry = fixture.Service.Get<IPortalRegistry>();
        await Wait.UntilAsync(
            async () => (await registry.OverviewAsync(Ct)).Single(p => p.MemberId == portal.MemberId).DrainWrites >= 4,
            "the drains of the portal are recorded");
        var writes = (await registry.OverviewAsync(Ct)).Single(p => p.MemberId == portal.MemberId).DrainWrites;

        var (code, output, _) = await RunAsync(["portals", "list"], fixture);

        Assert.Equal(OperatorCommands.Done, code);
        var lines = output.Split('\n');
        var header = Columns(lines[0]);
        var row = header.Zip(Columns(Assert.Single(lines, l => l.StartsWith(portal.MemberId, StringComparison.Ordinal)))).ToDictionary(c => c.First, c => c.Second);
        // The domain is the verified endpoint's host (the emulator serves every portal on its own address).
        Assert.Equal(portal.ClientEndpoint.Host, row["DOMAIN"]);
        Assert.Equal("active", row["STATUS"]);
        Assert.Equal("extended", row["PLAN"]);
        Assert.NotEqual("never", row["LAST_DRAIN"]);
        // Two deals were made, one changed, one deleted: the mirror holds one live deal beside a tombstone.
        Assert.Equal(2, (await fixture.Mirror.ListAsync(portal.MemberId, Ct)).Count);
        Assert.Equal("1", row["OBJECTS"]);
        Assert.Equal(writes.ToString(System.Globalization.CultureInfo.InvariantCulture), row["WRITES"]);
        Assert.Equal("0", row["DEAD"]);
        Assert.Contains("1 portals", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RebindAndUnbind_OfAnUnknownPortal_ExitWith3()
    {
        await using var fixture = await SyncFixture.StartAsync();

        var rebind = await RunAsync(["portals", "rebind", "ffffffffffffffffffffffffffffffff"], fixture);
        var unbind = await RunAsync(["portals", "unbind", "ffffffffffffffffffffffffffffffff"], fixture);

        Assert.Equal(OperatorCommands.UnknownPortal, rebind.Code);
        Assert.Equal(OperatorCommands.UnknownPortal, unbind.Code);
        Assert.Contains("no portal", rebind.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rebind_BindsWhatIsMissingAndUnbind_RemovesEveryBinding()
    {
        await using var fixture = await SyncFixture.StartAsync();
        var portal = await fixture.InstallAndBindAsync(events: ["ONCRMDEALUPDATE"]);
        string[] publicUrl = [$"--Bitrix24:PublicUrl={fixture.Service.BaseAddress}", "--Bitrix24:Events=ONCRMDEALUPDATE,ONCRMLEADADD"];

        var rebind = await RunAsync(["portals", "rebind", portal.MemberId, .. publicUrl], fixture);
        var registrar = fixture.Service.Get<EventRegistrar>();
        var afterRebind = await registrar.ListAsync(portal.MemberId, Ct);
        var unbind = await RunAsync(["portals", "unbind", portal.MemberId], fixture);

        Assert.Equal(OperatorCommands.Done, rebind.Code);
        Assert.Contains(afterRebind, b => b.Offline && b.Event == "ONCRMLEADADD");
        Assert.Contains(afterRebind, b => b.Event == "ONAPPUNINSTALL");
        Assert.Equal(OperatorCommands.Done, unbind.Code);
        Assert.Contains($"unbound {afterRebind.Count}", unbind.Output, StringComparison.Ordinal);
        Assert.Empty(await registrar.ListAsync(portal.MemberId, Ct));
    }

    [Fact]
    public async Task List_PrintsStoredStringsWithoutControlCharacters()
    {
        // A record stored before domains came from the verified endpoint: its domain is whatever a payload said.
        await using var service = await ServiceHarness.StartAsync(world: null);
        var hostile = "evil\u001b]0;owned\u0007\u001b[2J.example\u202Emoc";
        await service.RegisterPortalAsync("m\u001b[31m1", new Uri("https://evil.example/rest/"), hostile);
        await service.StopKeepingDataAsync();

        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await OperatorCommands.RunAsync(["portals", "list", $"--Storage:DataDirectory={service.DataDirectory}"], output, error);

        Assert.Equal(OperatorCommands.Done, code);
        var text = output.ToString();
        Assert.DoesNotContain(text, c => (char.IsControl(c) && c is not ('\n' or '\r')) || c == '\u202E');
        Assert.Contains("m?[31m1", text, StringComparison.Ordinal);
        Assert.Contains("evil?]0;owned??[2J.example?moc", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeadLettersList_ShowsEachWithWhyTheStatusAndTheAnswer_InPrintableCharactersOnly_AndPortalsListCountsThem()
    {
        await using var fixture = await SyncFixture.StartAsync();
        var portal = await fixture.InstallAndBindAsync();
        var at = new DateTimeOffset(2026, 11, 22, 10, 0, 0, TimeSpan.Zero);
        await fixture.Failures.DeadLetterAsync(
            portal.MemberId,
            new DeadLetter("0123456789abcdef0123456789abcdef", "ONCRMDEALUPDATE", "crm.deal", "8", "the sink refused it", 5, at,
                DeadLetterCause.SinkRefused, "HTTP 422", "{\"error\":\"bad\u001b[2J\nTITLE\"}", """{"FIELDS":{"ID":8}}"""),
            Ct);

        var (code, output, _) = await RunAsync(["deadletters", "list", portal.MemberId], fixture);
        var portals = await RunAsync(["portals", "list"], fixture);

        Assert.Equal(OperatorCommands.Done, code);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var row = Columns(lines[0]).Zip(Columns(lines[1])).ToDictionary(c => c.First, c => c.Second);
        Assert.Equal(("crm.deal", "8", "ONCRMDEALUPDATE", "sink_refused", "HTTP 422", "5", "2026-11-22 10:00:00Z"),
            (row["ENTITY"], row["ID"], row["EVENT"], row["REASON"], row["STATUS"], row["ATTEMPTS"], row["SINCE"]));
        Assert.Equal("  why: the sink refused it", lines[2]);
        Assert.Equal("  answer: {\"error\":\"bad?[2J?TITLE\"}", lines[3]);
        Assert.Equal("1 dead letters", lines[4]);
        Assert.DoesNotContain(output.Replace("\n", "", StringComparison.Ordinal), char.IsControl);
        var overview = Columns(portals.Output.Split('\n')[0]).Zip(Columns(portals.Output.Split('\n').Single(l => l.StartsWith(portal.MemberId, StringComparison.Ordinal)))).ToDictionary(c => c.First, c => c.Second);
        Assert.Equal("1", overview["DEAD"]);
    }

    [Fact]
    public async Task DeadLetters_OfAnUnknownPortalExitWith3_AndAReplayOfAnObjectWithoutOneWith4()
    {
        await using var fixture = await SyncFixture.StartAsync();
        var portal = await fixture.InstallAndBindAsync();

        var list = await RunAsync(["deadletters", "list", "ffffffffffffffffffffffffffffffff"], fixture);
        var replay = await RunAsync(["deadletters", "replay", "ffffffffffffffffffffffffffffffff", "--all"], fixture);
        var noLetter = await RunAsync(["deadletters", "replay", portal.MemberId, "--entity", "crm.deal", "--id", "99"], fixture);
        var none = await RunAsync(["deadletters", "list", portal.MemberId], fixture);

        Assert.Equal((OperatorCommands.UnknownPortal, OperatorCommands.UnknownPortal), (list.Code, replay.Code));
        Assert.Contains("no portal", list.Error, StringComparison.Ordinal);
        Assert.Equal(OperatorCommands.UnknownDeadLetter, noLetter.Code);
        Assert.Contains("no dead letter of crm.deal 99", noLetter.Error, StringComparison.Ordinal);
        Assert.Equal((OperatorCommands.Done, "0 dead letters"), (none.Code, none.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1]));
    }

    [Fact]
    public async Task Fields_ShowThePortalsFieldListsWithTheirLabels_WithoutTheControlCharactersAPortalSent()
    {
        await using var fixture = await SyncFixture.StartAsync();
        var portal = fixture.World.CreatePortal("fields.bitrix24.com");
        portal.UserFields.Add("crm.deal", new Emulator.Crm.UserFieldDefinition("UF_CRM_REGION", "enumeration", "Region \u001b[31mred\u001b[0m", Items: ["North", "South\r\nInjected: line"]));
        await fixture.InstallAndBindAsync(portal);

        var all = await RunAsync(["portals", "fields", portal.MemberId], fixture);
        var deals = await RunAsync(["portals", "fields", portal.MemberId, "--entity", "crm.deal"], fixture);
        var none = await RunAsync(["portals", "fields", portal.MemberId, "--entity", "crm.quote"], fixture);
        var unknown = await RunAsync(["portals", "fields", "ffffffffffffffffffffffffffffffff"], fixture);

        Assert.Equal((OperatorCommands.Done, OperatorCommands.Done, OperatorCommands.Done, OperatorCommands.UnknownPortal), (all.Code, deals.Code, none.Code, unknown.Code));
        Assert.Contains("crm.contact: ", all.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("crm.contact: ", deals.Output, StringComparison.Ordinal);
        var region = Assert.Single(deals.Output.Split('\n'), l => l.Contains("UF_CRM_REGION", StringComparison.Ordinal));
        Assert.Contains("enumeration", region, StringComparison.Ordinal);
        Assert.Contains("Region ?[31mred?[0m", region, StringComparison.Ordinal);
        Assert.Contains(deals.Output.Split('\n'), l => l.Contains("South??Injected: line", StringComparison.Ordinal));
        Assert.Contains(deals.Output.Split('\n'), l => l.Contains("STAGE_ID", StringComparison.Ordinal) && l.Contains("crm_status", StringComparison.Ordinal));
        Assert.Contains(deals.Output.Split('\n'), l => l.TrimStart().StartsWith("WON ", StringComparison.Ordinal) && l.TrimEnd().EndsWith("Deal won", StringComparison.Ordinal));
        Assert.DoesNotContain('\u001b', all.Output);
        Assert.Contains("no field list of crm.quote", none.Output, StringComparison.Ordinal);
        Assert.Contains("no portal", unknown.Error, StringComparison.Ordinal);
    }

    private static string Add(SyncFixture fixture, EmulatedPortal portal, string title) =>
        fixture.World.CallAsUser(portal, "crm.deal.add", new JsonObject { ["fields"] = new JsonObject { ["TITLE"] = title } }).Result!.ToString();

    /// <summary>The listing's columns: separated by two spaces or more (a time has one inside).</summary>
    private static string[] Columns(string line) => Regex.Split(line.Trim(), @"\s{2,}");

    private static async Task<(int Code, string Output, string Error)> RunAsync(string[] args, SyncFixture? fixture = null)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        string[] settings = fixture is null
            ? [$"--Storage:DataDirectory={Path.Combine(Path.GetTempPath(), "b24sync-tests", Guid.NewGuid().ToString("N"))}"]
            :
            [
                $"--Storage:DataDirectory={fixture.Service.DataDirectory}",
                $"--Bitrix24:ClientId={fixture.World.DefaultApp.ClientId}",
                $"--Bitrix24:ClientSecret={fixture.World.DefaultApp.ClientSecret}",
                $"--Bitrix24:OAuthServer={fixture.World.OAuthServerAddress}",
                "--Bitrix24:AllowInsecureEndpoints=true",
            ];
        // As Program.cs dispatches the verbs.
        var code = KeyCommand.IsCommand(args)
            ? await KeyCommand.RunAsync(args, output, error)
            : await OperatorCommands.RunAsync([.. args, .. settings], output, error);
        return (code, output.ToString(), error.ToString());
    }
}
