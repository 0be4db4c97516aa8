using System.Text.Json.Nodes;
using Bitrix24OfflineSync.TestKit;

namespace Bitrix24OfflineSync.Emulator.Tests.Infrastructure;

/// <summary>
/// Raises events without the CRM methods: <c>test.raise {event, id}</c> raises <c>{"FIELDS":{"ID":id}}</c> in the
/// calling hit, as a modifying method would.
/// </summary>
internal static class QueueKit
{
    public const string DealUpdate = "ONCRMDEALUPDATE";
    public const string RaiseMethod = "test.raise";

    public static EmulatorHarness WithRaise(this EmulatorHarness emulator)
    {
        emulator.World.Methods.Add(RaiseMethod, null, ctx =>
        {
            var id = (int)(ctx.IntParam("id") ?? 1);
            ctx.Hit.Raise(ctx.StringParam("event") ?? DealUpdate, new JsonObject { ["FIELDS"] = new JsonObject { ["ID"] = id } });
            return JsonValue.Create(true);
        });
        return emulator;
    }

    public static async Task<EmulatorHarness> StartAsync(Action<EmulatorOptions>? configure = null, TimeProvider? time = null) =>
        (await EmulatorHarness.StartAsync(configure, time)).WithRaise();

    /// <summary>Waits until the rows of every change made so far are written: the server writes them after the change's answer.</summary>
    public static Task WrittenAsync(this EmulatorHarness emulator) =>
        emulator.World.WhenEventsWrittenAsync(TestContext.Current.CancellationToken);

    /// <summary>A change made by a portal user: queued (in the background, after it returns) for every app that bound the event offline.</summary>
    public static void RaiseAsUser(this EmulatorHarness emulator, int id, string eventName = DealUpdate) =>
        emulator.World.CallAsUser(emulator.Portal, RaiseMethod, new JsonObject { ["event"] = eventName, ["id"] = id });

    /// <summary>A change made through the REST API with the client's token (and connector, if given).</summary>
    public static async Task RaiseAsync(this RestClient client, int id, string eventName = DealUpdate, string? connector = null)
    {
        var parameters = new JsonObject { ["event"] = eventName, ["id"] = id };
        if (connector is not null)
        {
            parameters["auth_connector"] = connector;
        }

        (await client.CallAsync(RaiseMethod, parameters, TestContext.Current.CancellationToken)).EnsureSuccess();
    }

    public static async Task BindOfflineAsync(this RestClient client, string eventName = DealUpdate, string? connector = null)
    {
        var parameters = new JsonObject { ["event"] = eventName, ["event_type"] = "offline" };
        if (connector is not null)
        {
            parameters["auth_connector"] = connector;
        }

        (await client.CallAsync("event.bind", parameters, TestContext.Current.CancellationToken)).EnsureSuccess();
    }

    public static Task<RestAnswer> CallAsync(this RestClient client, string method, string json) =>
        client.CallAsync(method, JsonNode.Parse(json)!.AsObject(), TestContext.Current.CancellationToken);

    public static async Task<JsonNode> ResultAsync(this RestClient client, string method, string json = "{}") =>
        (await client.CallAsync(method, json)).EnsureSuccess().Result!;

    public static List<string> Ids(JsonNode? events) => [.. events!.AsArray().Select(e => e!["ID"]!.GetValue<string>())];
}
