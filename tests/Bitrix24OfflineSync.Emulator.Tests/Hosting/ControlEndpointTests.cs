using System.Net;
using Bitrix24OfflineSync.Emulator.Portals;
using Bitrix24OfflineSync.Emulator.Tests.Infrastructure;
using Bitrix24OfflineSync.TestKit;
using Microsoft.Extensions.Time.Testing;

namespace Bitrix24OfflineSync.Emulator.Tests.Hosting;

public sealed class ControlEndpointTests
{
    private const string Portal = "test.bitrix24.com";

    [Fact]
    public async Task PutFaults_WithServerErrorRateOne_MakesRestCallsAnswer500_UntilTheFaultsAreDeleted()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        var counter = TestMethods.AddIncrement(emulator.World);

        var put = await ControlAsync(emulator, HttpMethod.Put, $"portals/{Portal}/faults", """{"serverErrorRate":1.0,"latencyMs":0}""");
        var failed = await emulator.Client.CallAsync(TestMethods.Increment, cancellationToken: TestContext.Current.CancellationToken);
        var deleted = await ControlAsync(emulator, HttpMethod.Delete, $"portals/{Portal}/faults");
        var passed = await emulator.Client.CallAsync(TestMethods.Increment, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, put.Status);
        Assert.Equal(1.0, put.Body!["server_error_rate"]!.GetValue<double>());
        Assert.Equal(HttpStatusCode.InternalServerError, failed.Status);
        Assert.Equal(HttpStatusCode.NoContent, deleted.Status);
        Assert.Equal(HttpStatusCode.OK, passed.EnsureSuccess().Status);
        Assert.Equal(1, counter.Value);
    }

    [Fact]
    public async Task PutFaults_WithDropNext_DropsThatMethodsNextResponse()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        var counter = TestMethods.AddIncrement(emulator.World);

        await ControlAsync(emulator, HttpMethod.Put, $"portals/{Portal}/faults", """{"dropNext":{"method":"TEST.INCREMENT"}}""");
        var dropped = await Record.ExceptionAsync(() => emulator.Client.CallAsync(TestMethods.Increment, cancellationToken: TestContext.Current.CancellationToken));

        Assert.True(dropped is HttpRequestException or IOException, $"Expected a connection error, got {dropped}");
        Assert.Equal(1, counter.Value);
    }

    [Fact]
    public async Task GetStats_ReflectsTheCallsMade()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        TestMethods.AddEcho(emulator.World);
        TestMethods.AddIncrement(emulator.World);
        await emulator.Client.CallAsync(TestMethods.Echo, cancellationToken: TestContext.Current.CancellationToken);
        await emulator.Client.CallAsync(TestMethods.Echo, cancellationToken: TestContext.Current.CancellationToken);
        await emulator.Client.CallAsync(TestMethods.Increment, cancellationToken: TestContext.Current.CancellationToken);

        var stats = await ControlAsync(emulator, HttpMethod.Get, $"portals/{Portal}/stats?tail=2");

        Assert.Equal(HttpStatusCode.OK, stats.Status);
        Assert.Equal(3, stats.Body!["requests"]!.GetValue<int>());
        Assert.Equal(2, stats.Body["calls"]![TestMethods.Echo]!.GetValue<int>());
        Assert.Equal(1, stats.Body["calls"]![TestMethods.Increment]!.GetValue<int>());
        Assert.Equal(0, stats.Body["rejected_by_limit"]!.GetValue<int>());
        var tail = stats.Body["call_log"]!.AsArray();
        Assert.Equal([TestMethods.Echo, TestMethods.Increment], tail.Select(e => e!["method"]!.GetValue<string>()));
        Assert.All(tail, e => Assert.Equal(200, e!["status"]!.GetValue<int>()));
    }

    [Fact]
    public async Task Portals_CanBeListedAndCreated_AndANewPortalServesRest()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        TestMethods.AddEcho(emulator.World);

        var created = await ControlAsync(emulator, HttpMethod.Post, "portals", """{"domain":"second.bitrix24.com"}""");
        var duplicate = await ControlAsync(emulator, HttpMethod.Post, "portals", """{"domain":"second.bitrix24.com"}""");
        var list = await ControlAsync(emulator, HttpMethod.Get, "portals");
        var second = emulator.World.Portal("second.bitrix24.com");
        using var client = EmulatorHarness.ClientFor(second, emulator.World.AuthorizeApp(second).AccessToken);
        var call = await client.CallAsync(TestMethods.Echo, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Created, created.Status);
        Assert.Equal(second.MemberId, created.Body!["member_id"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Conflict, duplicate.Status);
        var portals = list.Body!.AsArray();
        Assert.Equal(["second.bitrix24.com", Portal], portals.Select(p => p!["domain"]!.GetValue<string>()));
        var first = portals[1]!;
        Assert.Equal(emulator.Portal.ClientEndpoint.ToString(), first["client_endpoint"]!.GetValue<string>());
        Assert.Equal(emulator.World.DefaultApp.ClientId, first["apps"]![0]!["client_id"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, call.EnsureSuccess().Status);
    }

    [Fact]
    public async Task PutRateLimit_ChangesTheBucket()
    {
        await using var emulator = await EmulatorHarness.StartAsync(time: new FakeTimeProvider(TestClock.Start));
        TestMethods.AddEcho(emulator.World);

        var put = await ControlAsync(emulator, HttpMethod.Put, $"portals/{Portal}/rate-limit", """{"enabled":true,"burstLimit":3}""");
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            statuses.Add((await emulator.Client.CallAsync(TestMethods.Echo, cancellationToken: TestContext.Current.CancellationToken)).Status);
        }

        Assert.Equal(HttpStatusCode.OK, put.Status);
        Assert.Equal(2, put.Body!["drain_per_second"]!.GetValue<double>());
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.ServiceUnavailable], statuses);
    }

    [Fact]
    public async Task PutOperatingLimit_ChangesThePortalsLimiter_AndGetShowsWhatEachMethodSpent()
    {
        await using var emulator = await EmulatorHarness.StartAsync(time: new FakeTimeProvider(TestClock.Start));
        TestMethods.AddIncrement(emulator.World);

        var put = await ControlAsync(emulator, HttpMethod.Put, $"portals/{Portal}/operating-limit", """{"limitSeconds":1.5,"costPerCallSeconds":{"Test.Increment":1}}""");
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            statuses.Add((await emulator.Client.CallAsync(TestMethods.Increment, cancellationToken: TestContext.Current.CancellationToken)).Status);
        }

        var get = await ControlAsync(emulator, HttpMethod.Get, $"portals/{Portal}/operating-limit");
        var invalid = await ControlAsync(emulator, HttpMethod.Put, $"portals/{Portal}/operating-limit", """{"windowSeconds":0.5}""");

        Assert.Equal(HttpStatusCode.OK, put.Status);
        Assert.True(put.Body!["enabled"]!.GetValue<bool>());
        Assert.Equal(1.5, put.Body!["limit_seconds"]!.GetValue<double>());
        Assert.Equal(600, put.Body!["window_seconds"]!.GetValue<double>());
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, (HttpStatusCode)429], statuses);
        var usage = Assert.Single(get.Body!["usage"]!.AsArray())!;
        Assert.Equal(TestMethods.Increment, usage["method"]!.GetValue<string>());
        Assert.Equal(emulator.World.DefaultApp.ClientId, usage["client_id"]!.GetValue<string>());
        Assert.Equal(2, usage["operating"]!.GetValue<double>());
        Assert.Equal(HttpStatusCode.BadRequest, invalid.Status);
    }

    [Fact]
    public async Task PutFeature_SwitchesAPlanFeature()
    {
        await using var emulator = await EmulatorHarness.StartAsync();

        var off = await ControlAsync(emulator, HttpMethod.Put, $"portals/{Portal}/features/{EmulatedPortal.AuthConnectorFeature}", """{"enabled":false}""");

        Assert.Equal(HttpStatusCode.OK, off.Status);
        Assert.False(off.Body!["enabled"]!.GetValue<bool>());
        Assert.False(emulator.Portal.HasFeature(EmulatedPortal.AuthConnectorFeature));
    }

    [Fact]
    public async Task ExpireTokens_MakesTheNextCallAnswerExpiredToken()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        TestMethods.AddEcho(emulator.World);

        var expire = await ControlAsync(emulator, HttpMethod.Post, $"portals/{Portal}/expire-tokens");
        var call = await emulator.Client.CallAsync(TestMethods.Echo, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NoContent, expire.Status);
        Assert.Equal("expired_token", call.Error);
    }

    [Fact]
    public async Task GeneratorStart_RunsOneGeneratorPerPortal_AndStopEndsIt()
    {
        await using var emulator = await EmulatorHarness.StartAsync();

        var started = await ControlAsync(emulator, HttpMethod.Post, $"portals/{Portal}/generator/start", """{"changesPerSecond":1,"objects":3,"entities":["crm.deal"]}""");
        var again = await ControlAsync(emulator, HttpMethod.Post, $"portals/{Portal}/generator/start", "{}");
        var portal = await ControlAsync(emulator, HttpMethod.Get, $"portals/{Portal}");
        var stopped = await ControlAsync(emulator, HttpMethod.Post, $"portals/{Portal}/generator/stop");
        var after = await ControlAsync(emulator, HttpMethod.Get, $"portals/{Portal}");

        Assert.Equal(HttpStatusCode.Accepted, started.Status);
        Assert.Equal(HttpStatusCode.Conflict, again.Status);
        Assert.True(portal.Body!["generator"]!["running"]!.GetValue<bool>());
        Assert.Equal(HttpStatusCode.OK, stopped.Status);
        Assert.False(stopped.Body!["running"]!.GetValue<bool>());
        Assert.Null(after.Body!["generator"]);
    }

    [Theory]
    [InlineData("GET", "portals/nowhere.bitrix24.com/stats", null)]
    [InlineData("GET", "portals/nowhere.bitrix24.com", null)]
    [InlineData("PUT", "portals/nowhere.bitrix24.com/faults", """{"latencyMs":10}""")]
    [InlineData("PUT", "portals/nowhere.bitrix24.com/rate-limit", """{"enabled":false}""")]
    [InlineData("POST", "portals/nowhere.bitrix24.com/install", """{"installUrl":"http://app.example.com/install"}""")]
    [InlineData("POST", "portals/nowhere.bitrix24.com/expire-tokens", null)]
    [InlineData("POST", "portals/nowhere.bitrix24.com/generator/stop", null)]
    public async Task UnknownPortal_Answers404ProblemDetails(string method, string path, string? body)
    {
        await using var emulator = await EmulatorHarness.StartAsync();

        var answer = await ControlAsync(emulator, new HttpMethod(method), path, body);

        Assert.Equal(HttpStatusCode.NotFound, answer.Status);
        Assert.Equal("application/problem+json", answer.ContentType);
        Assert.Equal(404, answer.Body!["status"]!.GetValue<int>());
        Assert.Contains("nowhere.bitrix24.com", answer.Body["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("PUT", "faults", "{\"latencyMs\":")]
    [InlineData("PUT", "faults", """{"latency":10}""")]
    [InlineData("PUT", "faults", """{"serverErrorRate":2}""")]
    [InlineData("PUT", "faults", """{"latencyMs":-1}""")]
    [InlineData("PUT", "faults", """{"dropNext":{"count":1}}""")]
    [InlineData("PUT", "faults", """{"latencyMs":"slow"}""")]
    [InlineData("PUT", "faults", "")]
    [InlineData("PUT", "rate-limit", """{"burstLimit":0}""")]
    [InlineData("PUT", "features/rest_auth_connector", """{}""")]
    [InlineData("POST", "install", """{"installUrl":"ftp://app.example.com/install"}""")]
    [InlineData("POST", "generate", """{"changes":0}""")]
    [InlineData("POST", "generator/start", """{"entities":["crm.unknown"]}""")]
    [InlineData("GET", "stats?tail=many", null)]
    public async Task BadBodyOrValue_Answers400ProblemDetails_AndChangesNothing(string method, string path, string? body)
    {
        await using var emulator = await EmulatorHarness.StartAsync();

        var answer = await ControlAsync(emulator, new HttpMethod(method), $"portals/{Portal}/{path}", body);

        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Equal("application/problem+json", answer.ContentType);
        Assert.False(string.IsNullOrEmpty(answer.Body!["detail"]!.GetValue<string>()));
        Assert.Equal(TimeSpan.Zero, emulator.Portal.Faults.Latency);
        Assert.Equal(0, emulator.Portal.Faults.ServerErrorRate);
        Assert.Equal(50, emulator.Portal.Bucket.Options.BurstLimit);
    }

    [Fact]
    public async Task CreatePortal_WithABadDomain_Answers400()
    {
        await using var emulator = await EmulatorHarness.StartAsync();

        var answer = await ControlAsync(emulator, HttpMethod.Post, "portals", """{"domain":"no spaces/allowed"}""");

        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Single(emulator.World.Portals);
    }

    [Fact]
    public async Task Uninstall_OfAnAppThatIsNotInstalled_Answers409()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        emulator.World.CreatePortal("bare.bitrix24.com");

        var answer = await ControlAsync(emulator, HttpMethod.Post, "portals/bare.bitrix24.com/uninstall");

        Assert.Equal(HttpStatusCode.Conflict, answer.Status);
    }

    private static Task<ControlAnswer> ControlAsync(EmulatorHarness emulator, HttpMethod method, string path, string? body = null) =>
        emulator.ControlAsync(method, path, body);
}
