using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Emulator.Portals;
using Bitrix24OfflineSync.Emulator.Rest;
using Bitrix24OfflineSync.Emulator.Tests.Infrastructure;
using Bitrix24OfflineSync.TestKit;
using Microsoft.Extensions.Time.Testing;

namespace Bitrix24OfflineSync.Emulator.Tests.Rest;

public sealed class RestPipelineTests
{
    [Theory]
    [InlineData("auth")]
    [InlineData("access_token")]
    [InlineData("bearer")]
    public async Task AccessToken_IsAccepted_AsAuthParameterAccessTokenParameterOrBearerHeader(string how)
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        TestMethods.AddEcho(emulator.World);
        var token = emulator.Tokens.AccessToken;
        var url = new Uri(emulator.Portal.ClientEndpoint, how == "bearer" ? "test.echo?x=1" : $"test.echo?x=1&{how}={token}");
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (how == "bearer")
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        var answer = await emulator.Client.SendAsync(request, TestContext.Current.CancellationToken);

        AssertJson("""{"x":"1"}""", answer.EnsureSuccess().Result);
    }

    [Theory]
    [InlineData("test.echo.json")]
    [InlineData("TEST.ECHO")]
    [InlineData("Test.Echo.JSON")]
    public async Task MethodName_IgnoresCaseAndAJsonSuffix(string path)
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        TestMethods.AddEcho(emulator.World);

        var answer = await emulator.Client.CallAsync(path, RestClient.Params("a=1"), TestContext.Current.CancellationToken);

        AssertJson("""{"a":"1"}""", answer.EnsureSuccess().Result);
        Assert.Equal(1, emulator.Portal.Stats.CallsOf("test.echo"));
    }

    [Fact]
    public async Task FormBody_WithPhpKeys_ReachesTheMethodAsNestedArraysOfStrings()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        TestMethods.AddEcho(emulator.World);

        var answer = await emulator.Client.CallFormAsync(
            "test.echo", "filter%5B%3EID%5D=5&select[]=ID&select[]=TITLE&fields[TITLE]=a+b%26c", TestContext.Current.CancellationToken);

        AssertJson("""{"filter":{">ID":"5"},"select":["ID","TITLE"],"fields":{"TITLE":"a b&c"}}""", answer.EnsureSuccess().Result);
    }

    [Fact]
    public async Task JsonBody_KeepsItsTypes()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        TestMethods.AddEcho(emulator.World);
        var parameters = JsonNode.Parse("""{"filter":{">ID":5},"select":["ID","TITLE"],"flag":true}""")!.AsObject();

        var answer = await emulator.Client.CallAsync("test.echo", parameters, TestContext.Current.CancellationToken);

        AssertJson("""{"filter":{">ID":5},"select":["ID","TITLE"],"flag":true}""", answer.EnsureSuccess().Result);
    }

    [Theory]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("text/plain")]
    public async Task JsonLookingBody_WithoutAJsonContentType_IsReadAsAFormNotAsJson(string contentType)
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        TestMethods.AddEcho(emulator.World);
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(emulator.Portal.ClientEndpoint, $"test.echo?auth={emulator.Tokens.AccessToken}"))
        {
            Content = new StringContent("""{"x":"1"}""", Encoding.UTF8),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);

        var answer = await emulator.Client.SendAsync(request, TestContext.Current.CancellationToken);

        var echoed = answer.EnsureSuccess().Result!.AsObject();
        Assert.False(echoed.ContainsKey("x"));
    }

    [Fact]
    public async Task RestWithoutAPortalSegment_IsRoutedByTheHostHeader()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        TestMethods.AddEcho(emulator.World);
        var url = new Uri(emulator.World.BaseAddress, $"rest/test.echo?auth={emulator.Tokens.AccessToken}&via=host");
        var known = new HttpRequestMessage(HttpMethod.Get, url) { Headers = { Host = emulator.Portal.Domain } };
        var unknown = new HttpRequestMessage(HttpMethod.Get, url) { Headers = { Host = "nowhere.bitrix24.com" } };

        var answer = await emulator.Client.SendAsync(known, TestContext.Current.CancellationToken);
        var missing = await emulator.Client.SendAsync(unknown, TestContext.Current.CancellationToken);

        AssertJson("""{"via":"host"}""", answer.EnsureSuccess().Result);
        Assert.Equal(HttpStatusCode.NotFound, missing.Status);
    }

    [Fact]
    public async Task UnknownMethod_Answers404MethodNotFound()
    {
        await using var emulator = await EmulatorHarness.StartAsync();

        var answer = await emulator.Client.CallAsync("no.such.method", cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, answer.Status);
        Assert.Equal("ERROR_METHOD_NOT_FOUND", answer.Error);
    }

    [Fact]
    public async Task SuccessfulAnswer_CarriesATimeBlockInPortalTime_WithoutOperatingFieldsWhenTheLimiterIsOff()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 22, 9, 0, 0, 250, TimeSpan.Zero));
        await using var emulator = await EmulatorHarness.StartAsync(o => o.OperatingLimit.Enabled = false, clock);
        TestMethods.AddEcho(emulator.World);

        var answer = await emulator.Client.CallAsync("test.echo", cancellationToken: TestContext.Current.CancellationToken);

        var time = answer.EnsureSuccess().Body!["time"]!.AsObject();
        Assert.Equal(
            ["start", "finish", "duration", "processing", "date_start", "date_finish"],
            time.Select(p => p.Key));
        Assert.Equal(clock.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0, time["start"]!.GetValue<double>());
        Assert.Equal("2026-11-22T12:00:00+03:00", time["date_start"]!.GetValue<string>());
        Assert.Equal("2026-11-22T12:00:00+03:00", time["date_finish"]!.GetValue<string>());
        Assert.Equal(0, time["duration"]!.GetValue<double>());
    }

    [Fact]
    public async Task TimeBlock_WithTheOperatingLimiterOn_CarriesOperatingAndOperatingResetAt()
    {
        var clock = new FakeTimeProvider(TestClock.Start);
        await using var emulator = await EmulatorHarness.StartAsync(o => o.OperatingLimit.Enabled = true, clock);
        TestMethods.AddEcho(emulator.World);

        var answer = await emulator.Client.CallAsync("test.echo", cancellationToken: TestContext.Current.CancellationToken);

        var time = answer.EnsureSuccess().Body!["time"]!.AsObject();
        Assert.True(time.ContainsKey("operating"));
        Assert.Equal((clock.GetUtcNow() + TimeSpan.FromMinutes(10)).ToUnixTimeSeconds(), time["operating_reset_at"]!.GetValue<long>());
    }

    [Fact]
    public async Task MethodOutsideTheAppsScope_Answers401InsufficientScope_AndDoesNotRun()
    {
        await using var emulator = await EmulatorHarness.StartAsync(o => o.Apps[0].Scope = "task");
        var counter = new Counter();
        emulator.World.Methods.Add("test.crm.touch", "crm", _ => JsonValue.Create(counter.Increment()));
        emulator.World.Methods.Add("test.task.touch", "task", _ => JsonValue.Create(counter.Increment()));

        var outside = await emulator.Client.CallAsync("test.crm.touch", cancellationToken: TestContext.Current.CancellationToken);
        var inside = await emulator.Client.CallAsync("test.task.touch", cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, outside.Status);
        Assert.Equal("insufficient_scope", outside.Error);
        Assert.Equal(1, inside.EnsureSuccess().Result!.GetValue<int>());
        Assert.Equal(1, counter.Value);
    }

    [Fact]
    public async Task AuthConnector_IsStrippedFromTheParameters_AndRefused403WhenThePlanLacksTheFeature()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        TestMethods.AddEcho(emulator.World);
        var parameters = RestClient.Params("auth_connector=sync&x=1");

        var allowed = await emulator.Client.CallAsync("test.echo", parameters, TestContext.Current.CancellationToken);
        emulator.Portal.SetFeature(EmulatedPortal.AuthConnectorFeature, false);
        var refused = await emulator.Client.CallAsync("test.echo", parameters, TestContext.Current.CancellationToken);
        var withoutConnector = await emulator.Client.CallAsync("test.echo", RestClient.Params("x=1"), TestContext.Current.CancellationToken);

        AssertJson("""{"x":"1"}""", allowed.EnsureSuccess().Result);
        Assert.Equal(HttpStatusCode.Forbidden, refused.Status);
        AssertJson("""{"error":"WRONG_LICENSE","error_description":"This feature is not enabled for the current license: auth_connector"}""", refused.Body);
        Assert.Equal(HttpStatusCode.OK, withoutConnector.EnsureSuccess().Status);
    }

    [Theory]
    [InlineData("""{"auth_connector":""}""")]
    [InlineData("""{"AUTH_CONNECTOR":"","x":"1"}""")]
    [InlineData("""{"auth_connector":[]}""")]
    public async Task AuthConnectorKey_EvenEmpty_IsRefused403WrongLicenseWhenThePlanLacksTheFeature(string json)
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        var counter = TestMethods.AddIncrement(emulator.World);
        emulator.Portal.SetFeature(EmulatedPortal.AuthConnectorFeature, false);

        var answer = await emulator.Client.CallAsync(TestMethods.Increment, JsonNode.Parse(json)!.AsObject(), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Forbidden, answer.Status);
        Assert.Equal("WRONG_LICENSE", answer.Error);
        Assert.Equal("This feature is not enabled for the current license: auth_connector", answer.ErrorDescription);
        Assert.Equal(0, counter.Value);
    }

    [Fact]
    public async Task MethodErrors_AnswerTheBitrixEnvelope_WithTheirStatusAndArgument()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        TestMethods.Add(emulator.World, "test.invalid", _ => throw RestException.InvalidArgument("Value must be positive integer", "LIMIT"));
        TestMethods.Add(emulator.World, "test.missing", _ => throw RestException.NotFound());

        var invalid = await emulator.Client.CallAsync("test.invalid", cancellationToken: TestContext.Current.CancellationToken);
        var missing = await emulator.Client.CallAsync("test.missing", cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, invalid.Status);
        AssertJson("""{"error":"ERROR_ARGUMENT","error_description":"Value must be positive integer","argument":"LIMIT"}""", invalid.Body);
        Assert.Equal(HttpStatusCode.BadRequest, missing.Status);
        AssertJson("""{"error":"","error_description":"Not found"}""", missing.Body);
    }

    [Fact]
    public async Task Results_TakePhpShapes_AndListsLiftTotalAndNextToTheTop()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        TestMethods.Add(emulator.World, "test.shapes", _ => JsonNode.Parse("""{"list":{"0":"a","1":"b"},"map":{"1":"a"},"empty":{}}"""));
        TestMethods.Add(emulator.World, "test.page", _ => MethodResult.Page(new JsonArray("x"), total: 120, start: 50, pageSize: 50));

        var shapes = await emulator.Client.CallAsync("test.shapes", cancellationToken: TestContext.Current.CancellationToken);
        var page = await emulator.Client.CallAsync("test.page", cancellationToken: TestContext.Current.CancellationToken);

        AssertJson("""{"list":["a","b"],"map":{"1":"a"},"empty":[]}""", shapes.EnsureSuccess().Result);
        Assert.Equal(120, page.EnsureSuccess().Body!["total"]!.GetValue<int>());
        Assert.Equal(100, page.Body!["next"]!.GetValue<int>());
    }

    [Fact]
    public async Task MalformedJsonBody_Answers400ErrorArgument()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        TestMethods.AddEcho(emulator.World);
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(emulator.Portal.ClientEndpoint, "test.echo"))
        {
            Content = new StringContent("{\"auth\":", Encoding.UTF8, "application/json"),
        };

        var answer = await emulator.Client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Equal("ERROR_ARGUMENT", answer.Error);
    }

    private static void AssertJson(string expected, JsonNode? actual) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), actual), $"Expected {expected}, got {actual?.ToJsonString()}");
}
