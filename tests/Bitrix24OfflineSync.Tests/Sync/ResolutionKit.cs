using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Bitrix.Batch;
using Bitrix24OfflineSync.Emulator.Portals;
using Bitrix24OfflineSync.Sync.Resolution;
using Bitrix24OfflineSync.Sinks;
using Bitrix24OfflineSync.Sync.Model;
using Bitrix24OfflineSync.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Bitrix24OfflineSync.Tests.Sync;

/// <summary>
/// The change resolver wired as the composition wires it, on the real service's REST client and batch (so the real
/// resilience and budget sit in the path), and offline events built in the shape <c>event.offline.get</c> returns.
/// </summary>
internal static class ResolutionKit
{
    private static long _nextRowId;

    /// <summary>A provider with the service's batch client and clock (or <paramref name="time"/>) and the resolution registrations.</summary>
    public static ServiceProvider Provider(IntakeFixture fixture, IDictionary<string, string?>? settings = null, TimeProvider? time = null)
    {
        var services = Services(settings);
        services.AddSingleton(fixture.Service.Get<BitrixBatch>());
        services.AddSingleton(time ?? fixture.Service.Get<TimeProvider>());
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    /// <summary>The registrations alone, for the start-up validation tests.</summary>
    public static ServiceCollection Services(IDictionary<string, string?>? settings = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings ?? new Dictionary<string, string?>()).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddResolution(configuration);
        return services;
    }

    public static Task<ResolvedBatch> ResolveAsync(this ServiceProvider provider, EmulatedPortal portal, params OfflineEvent[] events) =>
        provider.GetRequiredService<IChangeResolver>().ResolveAsync(portal.MemberId, events, TestContext.Current.CancellationToken);

    /// <summary>A queue row as the server writes it: MESSAGE_ID is md5(EVENT_NAME|json(EVENT_DATA)).</summary>
    public static OfflineEvent Event(string name, JsonNode? data, string timestamp = "2026-11-22T12:00:00+03:00")
    {
        var json = data?.ToJsonString() ?? "null";
        var row = new JsonObject
        {
            ["ID"] = Interlocked.Increment(ref _nextRowId).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["TIMESTAMP_X"] = timestamp,
            ["EVENT_NAME"] = name,
            ["EVENT_DATA"] = data?.DeepClone(),
            ["EVENT_ADDITIONAL"] = new JsonObject { ["user_id"] = 1 },
            ["MESSAGE_ID"] = Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes($"{name}|{json}"))),
        };
        return OfflineEvent.From(row)!;
    }

    /// <summary>A CRM event, <c>{"FIELDS":{"ID":n}}</c>, with the id as the server writes it (a number) or as a string.</summary>
    public static OfflineEvent Crm(string name, long id, bool idAsString = false) =>
        Event(name, new JsonObject { ["FIELDS"] = new JsonObject { ["ID"] = idAsString ? JsonValue.Create(id.ToString(System.Globalization.CultureInfo.InvariantCulture)) : JsonValue.Create(id) } });

    /// <summary>A task event: the id in FIELDS_AFTER, or in FIELDS_BEFORE on delete where FIELDS_AFTER is "undefined".</summary>
    public static OfflineEvent Task(string name, long id)
    {
        var fields = new JsonObject { ["ID"] = id };
        return Event(name, name == "ONTASKDELETE"
            ? new JsonObject { ["FIELDS_BEFORE"] = fields, ["FIELDS_AFTER"] = "undefined", ["IS_ACCESSIBLE_BEFORE"] = "undefined", ["IS_ACCESSIBLE_AFTER"] = "N" }
            : new JsonObject { ["FIELDS_BEFORE"] = "undefined", ["FIELDS_AFTER"] = fields, ["IS_ACCESSIBLE_BEFORE"] = "N", ["IS_ACCESSIBLE_AFTER"] = "undefined" });
    }

    public static long AddCrm(this IntakeFixture fixture, EmulatedPortal portal, string entity, JsonObject fields) =>
        fixture.World.CallAsUser(portal, $"crm.{entity}.add", new JsonObject { ["fields"] = fields }).Result!.GetValue<long>();

    public static long AddTask(this IntakeFixture fixture, EmulatedPortal portal, string title) =>
        long.Parse(
            fixture.World.CallAsUser(portal, "tasks.task.add", new JsonObject { ["fields"] = new JsonObject { ["TITLE"] = title } }).Result!["task"]!["id"]!.GetValue<string>(),
            System.Globalization.CultureInfo.InvariantCulture);

    public static ObjectChange Single(this ResolvedBatch batch, string entity, long id) =>
        Assert.Single(batch.Changes, c => c.Key == new ObjectKey(entity, id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
}
