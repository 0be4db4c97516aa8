using System.Globalization;
using System.Text.Json.Nodes;
using Bitrix24OfflineSync.TestKit;

namespace Bitrix24OfflineSync.Emulator.Tests.Infrastructure;

/// <summary>Smart-process types, items and activities made as a portal user would, for the universal API's tests.</summary>
internal static class ItemKit
{
    public static JsonObject Json(string json) => JsonNode.Parse(json)!.AsObject();

    /// <summary>A custom type on the harness's portal: 1030, 1032, … unless asked for another entityTypeId.</summary>
    public static int AddType(this EmulatorHarness emulator, string title = "Orders", int? entityTypeId = null) =>
        emulator.Portal.SmartProcesses.AddType(title, entityTypeId).EntityTypeId;

    /// <summary>Adds items titled "Item 1", "Item 2", … (numbered from <paramref name="from"/>) through <c>crm.item.add</c>.</summary>
    public static void AddItems(this EmulatorHarness emulator, int entityTypeId, int count, int from = 1)
    {
        for (var i = from; i < from + count; i++)
        {
            emulator.World.CallAsUser(emulator.Portal, "crm.item.add", new JsonObject
            {
                ["entityTypeId"] = entityTypeId,
                ["fields"] = new JsonObject { ["title"] = $"Item {i}", ["opportunity"] = i * 10 },
            });
        }
    }

    public static void DeleteItems(this EmulatorHarness emulator, int entityTypeId, params int[] ids)
    {
        foreach (var id in ids)
        {
            emulator.World.CallAsUser(emulator.Portal, "crm.item.delete", new JsonObject { ["entityTypeId"] = entityTypeId, ["id"] = id });
        }
    }

    /// <summary>A contact to bind activities to, with a phone their communications can use; returns its ID.</summary>
    public static long AddContact(this EmulatorHarness emulator, string name = "Ann")
    {
        var answer = emulator.World.CallAsUser(emulator.Portal, "crm.contact.add", new JsonObject
        {
            ["fields"] = new JsonObject { ["NAME"] = name, ["PHONE"] = new JsonArray(new JsonObject { ["VALUE"] = "+15550001", ["VALUE_TYPE"] = "WORK" }) },
        });
        return answer.Result!.GetValue<long>();
    }

    /// <summary>A call on a contact, through <c>crm.activity.add</c> as a portal user; returns its ID.</summary>
    public static long AddCall(this EmulatorHarness emulator, long contactId, string subject = "Call")
    {
        var answer = emulator.World.CallAsUser(emulator.Portal, "crm.activity.add", Json($$$"""
            {"fields":{"OWNER_TYPE_ID":3,"OWNER_ID":{{{contactId}}},"TYPE_ID":2,"SUBJECT":"{{{subject}}}",
             "COMMUNICATIONS":[{"VALUE":"+15550001"}],"START_TIME":"2024-05-01T10:00:00+00:00","END_TIME":"2024-05-01T10:30:00+00:00"}}
            """));
        return answer.Result!.GetValue<long>();
    }

    public static async Task<RestAnswer> CallAsync(this EmulatorHarness emulator, string method, string json) =>
        await emulator.Client.CallAsync(method, Json(json), TestContext.Current.CancellationToken);

    public static async Task<JsonNode> ResultAsync(this EmulatorHarness emulator, string method, string json) =>
        (await emulator.CallAsync(method, json)).EnsureSuccess().Result!;

    public static IEnumerable<long> Range(long first, long last) =>
        Enumerable.Range((int)first, (int)(last - first + 1)).Select(i => (long)i);

    public static long[] ItemIds(JsonNode result) => [.. result["items"]!.AsArray().Select(i => i!["id"]!.GetValue<long>())];

    public static string[] Ids(JsonNode result) => [.. result.AsArray().Select(i => i!["ID"]!.GetValue<string>())];

    public static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);
}
