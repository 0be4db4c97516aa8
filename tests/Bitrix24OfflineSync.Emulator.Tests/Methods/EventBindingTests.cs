using System.Net;
using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Emulator.Tests.Infrastructure;
using Bitrix24OfflineSync.TestKit;

namespace Bitrix24OfflineSync.Emulator.Tests.Methods;

public sealed class EventBindingTests
{
    private const string Handler = "https://handler.example.com/events";

    [Fact]
    public async Task Bind_SameHandlerTwice_IsRejectedAsAlreadyBinded()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        var bind = $$"""{"event":"onCrmDealUpdate","handler":"{{Handler}}"}""";
        await emulator.Client.ResultAsync("event.bind", bind);

        var answer = await emulator.Client.CallAsync("event.bind", bind);

        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Equal("ERROR_CORE", answer.Error);
        Assert.Equal("Unable to set event handler: Handler already binded", answer.ErrorDescription);
    }

    [Fact]
    public async Task Bind_OfflineTwice_IsRejectedButAnotherConnectorIsNot()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        await emulator.Client.BindOfflineAsync();

        var again = await emulator.Client.CallAsync("event.bind", """{"event":"ONCRMDEALUPDATE","event_type":"offline"}""");
        await emulator.Client.BindOfflineAsync(connector: "sync");

        Assert.Equal("ERROR_CORE", again.Error);
        Assert.Equal(2, emulator.Portal.Bindings.All.Count);
    }

    [Theory]
    [InlineData("event.bind", "sync")]
    [InlineData("event.bind", "")]
    [InlineData("event.unbind", "sync")]
    [InlineData("event.unbind", "")]
    public async Task BindAndUnbind_WithAuthConnector_OnAPlanWithoutTheFeature_Are403WrongLicenseAndChangeNothing(string method, string connector)
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        await emulator.Client.BindOfflineAsync(connector: "sync");
        emulator.Portal.SetFeature(Bitrix24OfflineSync.Emulator.Portals.EmulatedPortal.AuthConnectorFeature, false);

        var answer = await emulator.Client.CallAsync(method, $$"""{"event":"ONCRMDEALUPDATE","event_type":"offline","auth_connector":"{{connector}}"}""");

        Assert.Equal(HttpStatusCode.Forbidden, answer.Status);
        Assert.Equal("WRONG_LICENSE", answer.Error);
        Assert.Equal("This feature is not enabled for the current license: auth_connector", answer.ErrorDescription);
        Assert.Equal("sync", Assert.Single(emulator.Portal.Bindings.All).ConnectorId);
    }

    [Fact]
    public async Task Bind_OnOfflineEventAsOffline_IsRejected()
    {
        await using var emulator = await EmulatorHarness.StartAsync();

        var answer = await emulator.Client.CallAsync("event.bind", """{"event":"ONOFFLINEEVENT","event_type":"offline"}""");

        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Equal("ERROR_ARGUMENT", answer.Error);
        Assert.Equal("Offline event cannot be registered for this event.", answer.ErrorDescription);
    }

    [Theory]
    [InlineData("http://localhost/events", "ERROR_WRONG_HANDLER_URL", "Wrong handler URL")]
    [InlineData("handler.example.com/events", "ERROR_WRONG_HANDLER_URL", "Wrong handler URL")]
    [InlineData("ftp://handler.example.com/events", "ERROR_UNSUPPORTED_PROTOCOL", "Unsupported handler protocol")]
    public async Task Bind_WithUnusableHandlerUrl_IsRejected(string url, string code, string description)
    {
        await using var emulator = await EmulatorHarness.StartAsync();

        var answer = await emulator.Client.CallAsync("event.bind", $$"""{"event":"ONCRMDEALUPDATE","handler":"{{url}}"}""");

        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Equal(code, answer.Error);
        Assert.Equal(description, answer.ErrorDescription);
    }

    [Fact]
    public async Task Bind_PlainHttpHandler_IsAccepted()
    {
        await using var emulator = await EmulatorHarness.StartAsync();

        var answer = await emulator.Client.CallAsync("event.bind", """{"event":"ONCRMDEALUPDATE","handler":"http://127.0.0.1:8080/events"}""");

        Assert.True(answer.EnsureSuccess().Result!.GetValue<bool>());
    }

    [Theory]
    [InlineData("ONTASKADD")]
    [InlineData("ONNOSUCHEVENT")]
    public async Task Bind_EventOutsideTheAppsScopes_IsEventNotFound(string eventName)
    {
        await using var emulator = await EmulatorHarness.StartAsync(o => o.Apps[0].Scope = "crm");

        var answer = await emulator.Client.CallAsync("event.bind", $$"""{"event":"{{eventName}}","event_type":"offline"}""");

        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Equal("ERROR_EVENT_NOT_FOUND", answer.Error);
        Assert.Equal("Event not found", answer.ErrorDescription);
    }

    [Fact]
    public async Task Bind_WithUnknownEventType_Is400()
    {
        await using var emulator = await EmulatorHarness.StartAsync();

        var answer = await emulator.Client.CallAsync("event.bind", """{"event":"ONCRMDEALUPDATE","event_type":"later"}""");

        Assert.Equal("ERROR_ARGUMENT", answer.Error);
        Assert.Equal("Value must be one of {online|offline}", answer.ErrorDescription);
    }

    [Fact]
    public async Task Bind_OfflineByNonAdmin_Is403()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        var tokens = emulator.World.AuthorizeApp(emulator.Portal, userId: 5, isAdmin: false);
        using var user = EmulatorHarness.ClientFor(emulator.Portal, tokens.AccessToken);

        var answer = await user.CallAsync("event.bind", """{"event":"ONCRMDEALUPDATE","event_type":"offline"}""");

        Assert.Equal(HttpStatusCode.Forbidden, answer.Status);
        Assert.Equal("Access denied! Offline events binding requires administrator access rights", answer.ErrorDescription);
    }

    [Fact]
    public async Task Bind_KeepsOnlyTheOptionsTheEventAllows()
    {
        await using var emulator = await EmulatorHarness.StartAsync();

        await emulator.Client.ResultAsync("event.bind", $$$"""{"event":"ONOFFLINEEVENT","handler":"{{{Handler}}}","options":{"minTimeout":"5","color":"red"}}""");
        await emulator.Client.ResultAsync("event.bind", $$$"""{"event":"ONCRMDEALUPDATE","handler":"{{{Handler}}}","options":{"minTimeout":5}}""");

        var bindings = emulator.Portal.Bindings.All;
        Assert.Equal(5, bindings[0].MinTimeout);
        Assert.Single(bindings[0].Options);
        Assert.Empty(bindings[1].Options);
    }

    [Fact]
    public async Task Get_ListsTheAppsBindingsInTheDocumentedShapes()
    {
        await using var emulator = await EmulatorHarness.StartAsync(o => o.Apps.Add(new EmulatedAppOptions { ClientId = "local.other.1", ClientSecret = "other-secret" }));
        await emulator.Client.ResultAsync("event.bind", $$"""{"event":"ONCRMDEALUPDATE","handler":"{{Handler}}"}""");
        await emulator.Client.BindOfflineAsync(connector: "sync");
        var other = emulator.World.AuthorizeApp(emulator.Portal, emulator.World.App("local.other.1"));
        using var otherClient = EmulatorHarness.ClientFor(emulator.Portal, other.AccessToken);
        await otherClient.BindOfflineAsync("ONCRMCONTACTADD");

        var answer = (await emulator.Client.CallAsync("event.get", "{}")).EnsureSuccess();

        var expected = JsonNode.Parse($$"""
            [{"event":"ONCRMDEALUPDATE","handler":"{{Handler}}","auth_type":"0","offline":0},
             {"event":"ONCRMDEALUPDATE","connector_id":"sync","offline":1}]
            """);
        Assert.True(JsonNode.DeepEquals(expected, answer.Result), answer.Result!.ToJsonString());
    }

    [Fact]
    public async Task Unbind_AnswersTheNumberOfBindingsRemoved()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        await emulator.Client.ResultAsync("event.bind", $$"""{"event":"ONCRMDEALUPDATE","handler":"{{Handler}}"}""");
        await emulator.Client.BindOfflineAsync();
        await emulator.Client.BindOfflineAsync(connector: "sync");

        var online = await emulator.Client.ResultAsync("event.unbind", $$"""{"event":"ONCRMDEALUPDATE","handler":"{{Handler}}"}""");
        var offline = await emulator.Client.ResultAsync("event.unbind", """{"event":"ONCRMDEALUPDATE","event_type":"offline","auth_connector":"sync"}""");
        var nothing = await emulator.Client.ResultAsync("event.unbind", $$"""{"event":"ONCRMDEALUPDATE","handler":"{{Handler}}"}""");

        Assert.Equal(1, online["count"]!.GetValue<int>());
        Assert.Equal(1, offline["count"]!.GetValue<int>());
        Assert.Equal(0, nothing["count"]!.GetValue<int>());
        Assert.Equal("", Assert.Single(emulator.Portal.Bindings.All).ConnectorId);
    }

    [Fact]
    public async Task Events_ListsTheEventsOfTheAppsScopesAndTheGlobalOnes()
    {
        await using var emulator = await EmulatorHarness.StartAsync(o => o.Apps[0].Scope = "crm");

        var names = (await emulator.Client.ResultAsync("events")).AsArray().Select(n => n!.GetValue<string>()).ToList();

        Assert.Contains("ONCRMDEALUPDATE", names);
        Assert.Contains("ONOFFLINEEVENT", names);
        Assert.DoesNotContain("ONTASKADD", names);
    }
}
