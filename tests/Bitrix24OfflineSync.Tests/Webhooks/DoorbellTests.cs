using System.Net;
using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Portals;
using Bitrix24OfflineSync.TestKit;
using Bitrix24OfflineSync.Tests.Infrastructure;
using static Bitrix24OfflineSync.Tests.Infrastructure.EventForms;

namespace Bitrix24OfflineSync.Tests.Webhooks;

public sealed class DoorbellTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Doorbell_WithTheRightToken_MarksThePortalDirtyOnceAndWakesTheWorker()
    {
        await using var fixture = await IntakeFixture.StartAsync();
        var (portal, outcome) = await fixture.InstallAsync();

        using var first = await fixture.Service.Http.PostAsync(fixture.Service.EventsUrl, Doorbell(portal.MemberId, outcome.ApplicationToken), Ct);
        using var second = await fixture.Service.Http.PostAsync(fixture.Service.EventsUrl, Doorbell(portal.MemberId, outcome.ApplicationToken), Ct);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        // One durable write: the second doorbell found the portal dirty already (or the worker had taken the first).
        Assert.InRange((await fixture.Registry.FindAsync(portal.MemberId, Ct))!.SignalSequence, 1, 2);
        // The worker woke and looked at the portal's queue.
        await Wait.UntilAsync(() => portal.Stats.CallsOf("event.offline.get") > 0, "the worker has called event.offline.get");
    }

    [Fact]
    public async Task Doorbell_WithAWrongToken_Returns401AndMarksNothing()
    {
        await using var fixture = await IntakeFixture.StartAsync();
        var (portal, _) = await fixture.InstallAsync();

        using var response = await fixture.Service.Http.PostAsync(fixture.Service.EventsUrl, Doorbell(portal.MemberId, "0123456789abcdef0123456789abcdef"), Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.False((await fixture.Registry.FindAsync(portal.MemberId, Ct))!.IsDirty);
        Assert.Equal(0, (await fixture.Registry.FindAsync(portal.MemberId, Ct))!.SignalSequence);
    }

    [Fact]
    public async Task Doorbell_AfterTheRightTokenWasAccepted_StillRefusesAWrongOne_AndATokenReplacedByAReinstall()
    {
        await using var fixture = await IntakeFixture.StartAsync();
        var (portal, outcome) = await fixture.InstallAsync();
        using (var accepted = await fixture.Service.Http.PostAsync(fixture.Service.EventsUrl, Doorbell(portal.MemberId, outcome.ApplicationToken), Ct))
        {
            Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        }

        // The accepted token is now compared directly; near misses, a prefix and an extension still fail.
        var token = outcome.ApplicationToken;
        foreach (var wrong in new[] { token[..^1] + (token[^1] == '0' ? '1' : '0'), token[..^1], token + "0", token.ToUpperInvariant() })
        {
            using var refused = await fixture.Service.Http.PostAsync(fixture.Service.EventsUrl, Doorbell(portal.MemberId, wrong), Ct);
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        // Uninstalled and installed again: the portal has a new application_token, and the old one proves nothing.
        using (var uninstall = await fixture.Service.Http.PostAsync(fixture.Service.EventsUrl, Uninstall(portal.MemberId, token), Ct))
        {
            Assert.Equal(HttpStatusCode.OK, uninstall.StatusCode);
        }

        fixture.World.Portal(portal.Domain).Uninstall(fixture.World.DefaultApp);
        var again = await fixture.World.InstallAppAsync(portal, fixture.Service.EventsUrl, cancellationToken: Ct);
        Assert.Equal(200, again.CallbackStatus);
        Assert.NotEqual(token, again.ApplicationToken);
        using var old = await fixture.Service.Http.PostAsync(fixture.Service.EventsUrl, Doorbell(portal.MemberId, token), Ct);
        using var current = await fixture.Service.Http.PostAsync(fixture.Service.EventsUrl, Doorbell(portal.MemberId, again.ApplicationToken), Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, old.StatusCode);
        Assert.Equal(HttpStatusCode.OK, current.StatusCode);
    }

    [Fact]
    public async Task Doorbell_ForAnUnknownPortal_GetsTheSameAnswerAsAWrongToken()
    {
        await using var fixture = await IntakeFixture.StartAsync();
        var (portal, _) = await fixture.InstallAsync();

        using var wrongToken = await fixture.Service.Http.PostAsync(fixture.Service.EventsUrl, Doorbell(portal.MemberId, "0123456789abcdef0123456789abcdef"), Ct);
        using var unknown = await fixture.Service.Http.PostAsync(fixture.Service.EventsUrl, Doorbell("ffffffffffffffffffffffffffffffff", "0123456789abcdef0123456789abcdef"), Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, wrongToken.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);
        Assert.Equal(WithoutTrace(await wrongToken.Content.ReadAsStringAsync(Ct)), WithoutTrace(await unknown.Content.ReadAsStringAsync(Ct)));
    }

    [Fact]
    public async Task Doorbell_CarryingOtherTokens_LeavesTheStoredTokensByteForByteUnchanged()
    {
        await using var fixture = await IntakeFixture.StartAsync();
        var (portal, outcome) = await fixture.InstallAsync();
        var before = await StoredTokenBytesAsync(fixture, portal.MemberId);

        using var response = await fixture.Service.Http.PostAsync(
            fixture.Service.EventsUrl,
            Doorbell(portal.MemberId, outcome.ApplicationToken, accessToken: "attacker-access", refreshToken: "attacker-refresh"),
            Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var after = await StoredTokenBytesAsync(fixture, portal.MemberId);
        Assert.Equal(before.Access, after.Access);
        Assert.Equal(before.Refresh, after.Refresh);
    }

    [Fact]
    public async Task Uninstall_WithTheRightToken_DeletesTokensAndLaterDoorbellsAreRefused()
    {
        await using var fixture = await IntakeFixture.StartAsync();
        var (portal, outcome) = await fixture.InstallAsync();

        using var forged = await fixture.Service.Http.PostAsync(fixture.Service.EventsUrl, Uninstall(portal.MemberId, "0123456789abcdef0123456789abcdef"), Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
        Assert.Equal(PortalStatus.Active, (await fixture.Registry.FindAsync(portal.MemberId, Ct))!.Status);

        using var real = await fixture.Service.Http.PostAsync(fixture.Service.EventsUrl, Uninstall(portal.MemberId, outcome.ApplicationToken), Ct);
        Assert.Equal(HttpStatusCode.OK, real.StatusCode);
        Assert.Equal(PortalStatus.Uninstalled, (await fixture.Registry.FindAsync(portal.MemberId, Ct))!.Status);
        var tokens = await StoredTokenBytesAsync(fixture, portal.MemberId);
        Assert.Null(tokens.Access);
        Assert.Null(tokens.Refresh);

        using var doorbell = await fixture.Service.Http.PostAsync(fixture.Service.EventsUrl, Doorbell(portal.MemberId, outcome.ApplicationToken), Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, doorbell.StatusCode);
    }

    [Fact]
    public async Task OtherEvents_AreAcknowledgedAndIgnored()
    {
        await using var fixture = await IntakeFixture.StartAsync();

        using var response = await fixture.Service.Http.PostAsync(
            fixture.Service.EventsUrl,
            Form(("event", "ONCRMDEALUPDATE"), ("data[FIELDS][ID]", "759"), ("auth[member_id]", "a223c6")),
            Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(await fixture.Registry.ListAsync(Ct));
    }

    [Fact]
    public async Task Doorbell_AsJson_IsAcceptedLikeTheFormEncodedOne()
    {
        await using var fixture = await IntakeFixture.StartAsync();
        var (portal, outcome) = await fixture.InstallAsync();
        var body = new JsonObject
        {
            ["event"] = "ONOFFLINEEVENT",
            ["data"] = new JsonArray(),
            ["ts"] = "1466439714",
            ["auth"] = new JsonObject { ["member_id"] = portal.MemberId, ["application_token"] = outcome.ApplicationToken },
        };

        using var response = await fixture.Service.Http.PostAsync(fixture.Service.EventsUrl, Raw(body.ToJsonString(), "application/json"), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, (await fixture.Registry.FindAsync(portal.MemberId, Ct))!.SignalSequence);
    }

    [Fact]
    public async Task Doorbell_ArrivingInSmallPieces_OverSeveralBuffers_IsReadWhole()
    {
        await using var fixture = await IntakeFixture.StartAsync();
        var (portal, outcome) = await fixture.InstallAsync();
        // A padding key makes the body span more than one of the server's buffers; the pieces make it several reads.
        var body = await Doorbell(portal.MemberId, outcome.ApplicationToken).ReadAsByteArrayAsync(Ct);
        body = [.. body, .. "&pad="u8, .. Enumerable.Repeat((byte)'x', 10_000)];
        using var content = Chunked(body, piece: 700);

        using var response = await fixture.Service.Http.PostAsync(fixture.Service.EventsUrl, content, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, (await fixture.Registry.FindAsync(portal.MemberId, Ct))!.SignalSequence);
    }

    private static string WithoutTrace(string problem)
    {
        var json = JsonNode.Parse(problem)!.AsObject();
        json.Remove("traceId");
        return json.ToJsonString();
    }

    private static async Task<(byte[]? Access, byte[]? Refresh)> StoredTokenBytesAsync(IntakeFixture fixture, string memberId)
    {
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={fixture.Service.DatabasePath};Mode=ReadOnly");
        await connection.OpenAsync(Ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT access_token, refresh_token FROM portals WHERE member_id = $id";
        command.Parameters.AddWithValue("$id", memberId);
        await using var reader = await command.ExecuteReaderAsync(Ct);
        Assert.True(await reader.ReadAsync(Ct));
        return (reader.IsDBNull(0) ? null : (byte[])reader[0], reader.IsDBNull(1) ? null : (byte[])reader[1]);
    }
}
