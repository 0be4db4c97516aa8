using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;

namespace Bitrix24OfflineSync.Tests.Writes;

/// <summary>
/// The write API's door: only on the management address, only with a key, the whole body checked before anything is
/// stored (400 naming the write's index and field), 404 for an unknown portal, 413 past 1 MB, 415 for what is not JSON.
/// </summary>
public sealed class WriteApiTests
{
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task Writes_WithoutAKeyOrWithAWrongOne_Answer401WithAProblem_AndOnThePublicPort404()
    {
        await using var kit = await WriteKit.StartAsync(postgres: false);
        var portal = await kit.InstallAsync();
        var path = $"api/v1/portals/{portal.MemberId}/writes/k1";

        using var anonymous = new HttpClient { BaseAddress = kit.Api.BaseAddress };
        using var none = await anonymous.GetAsync(path, Ct);
        anonymous.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", WriteKit.ApiKey + "x");
        using var wrong = await anonymous.GetAsync(path, Ct);
        using var publicPort = await kit.Fixture.Service.Http.SendAsync(
            new HttpRequestMessage(HttpMethod.Get, path) { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", WriteKit.ApiKey) } }, Ct);
        using var right = await kit.Api.GetAsync(path, Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Equal("application/problem+json", none.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, publicPort.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, right.StatusCode);
    }

    [Fact]
    public async Task ABadWriteAnywhereInTheBody_Answers400NamingItsIndexAndField_AndNothingIsStored()
    {
        await using var kit = await WriteKit.StartAsync(postgres: false);
        var portal = await kit.InstallAsync();

        using var answer = await kit.PostAsync(
            portal.MemberId,
            WriteKit.Write("good-1", "crm.deal", "create", fields: new JsonObject { ["TITLE"] = "A" }),
            WriteKit.Write("bad key!", "crm.deal", "update", "1", new JsonObject { ["TITLE"] = "B" }));
        var problem = JsonNode.Parse(await answer.Content.ReadAsStringAsync(Ct))!;
        using var missingId = await kit.PostAsync(portal.MemberId, WriteKit.Write("k2", "crm.deal", "update", fields: new JsonObject { ["TITLE"] = "B" }));
        var missingIdProblem = JsonNode.Parse(await missingId.Content.ReadAsStringAsync(Ct))!;
        using var badEntity = await kit.PostAsync(portal.MemberId, WriteKit.Write("k3", "crm.nothing", "create", fields: new JsonObject { ["TITLE"] = "B" }));
        using var empty = await kit.PostRawAsync(portal.MemberId, """{"writes":[]}""");

        Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
        Assert.Equal(1, problem["index"]!.GetValue<int>());
        Assert.Equal("key", problem["field"]!.GetValue<string>());
        Assert.Equal("id", missingIdProblem["field"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.BadRequest, badEntity.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.Null(await kit.StatusAsync(portal.MemberId, "good-1"));
    }

    [Fact]
    public async Task AnUnknownPortal_Is404_ABodyOver1MB_Is413_AndABodyThatIsNotJson_Is415()
    {
        await using var kit = await WriteKit.StartAsync(postgres: false);
        await kit.InstallAsync();

        using var unknown = await kit.PostAsync("0123456789abcdef0123456789abcdef", WriteKit.Write("k1", "crm.deal", "create", fields: new JsonObject { ["TITLE"] = "A" }));
        using var large = await kit.PostRawAsync("0123456789abcdef0123456789abcdef", "{\"writes\":[\"" + new string('x', 1024 * 1024) + "\"]}");
        using var notJson = await kit.PostRawAsync("0123456789abcdef0123456789abcdef", "writes=1", "application/x-www-form-urlencoded");
        using var brokenJson = await kit.PostRawAsync("0123456789abcdef0123456789abcdef", "{\"writes\":");

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, large.StatusCode);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, notJson.StatusCode);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, brokenJson.StatusCode);
    }

    [Fact]
    public void TheKeyCheck_AcceptsOnlyAConfiguredKey()
    {
        string[] keys = ["first-key-0123456789", "second-key-0123456789"];

        Assert.True(Bitrix24OfflineSync.Writes.WriteEndpoints.Authorized("Bearer second-key-0123456789", keys));
        Assert.False(Bitrix24OfflineSync.Writes.WriteEndpoints.Authorized("Bearer second-key-012345678", keys));
        Assert.False(Bitrix24OfflineSync.Writes.WriteEndpoints.Authorized("Basic second-key-0123456789", keys));
        Assert.False(Bitrix24OfflineSync.Writes.WriteEndpoints.Authorized("", keys));
        Assert.False(Bitrix24OfflineSync.Writes.WriteEndpoints.Authorized("Bearer ", [""]));
    }

    [Fact]
    public async Task KeysWithoutAManagementAddress_StopTheStart()
    {
        var failure = await Infrastructure.ServiceHarness.StartFailureAsync(new Dictionary<string, string?>
        {
            ["WriteApi:Keys"] = WriteKit.ApiKey,
            ["Metrics:Urls"] = "",
        });

        Assert.Contains("WriteApi:Keys", failure.ToString(), StringComparison.Ordinal);
    }
}
