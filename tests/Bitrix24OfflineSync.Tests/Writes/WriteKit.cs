using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Emulator;
using Bitrix24OfflineSync.Emulator.Portals;
using Bitrix24OfflineSync.Sinks.Database;
using Bitrix24OfflineSync.TestKit;
using Bitrix24OfflineSync.Tests.Infrastructure;
using Bitrix24OfflineSync.Tests.Persistence;
using Bitrix24OfflineSync.Tests.Telemetry;
using Microsoft.Extensions.DependencyInjection;

namespace Bitrix24OfflineSync.Tests.Writes;

/// <summary>
/// The emulator and the service with the write API on a free management port, on SQLite or on a fresh PostgreSQL
/// database, with <c>Bitrix24__AuthConnector</c> set; a portal installed with its offline events bound under that
/// connector, and a client of the write API holding a key.
/// </summary>
internal sealed class WriteKit : IAsyncDisposable
{
    public const string ApiKey = "write-api-key-0123456789abcdef";
    public const string Connector = "b24sync";

    private static readonly string[] Events =
    [
        .. new[] { "DEAL", "CONTACT", "COMPANY", "LEAD" }.SelectMany(e => new[] { "ADD", "UPDATE", "DELETE" }.Select(a => $"ONCRM{e}{a}")),
        "ONCRMDYNAMICITEMADD", "ONCRMDYNAMICITEMUPDATE", "ONCRMDYNAMICITEMDELETE",
    ];

    private readonly PostgresTarget? _database;
    private readonly Dictionary<string, string?> _settings;
    private readonly List<ServiceHarness> _replicas = [];

    private WriteKit(SyncFixture fixture, PostgresTarget? database, Dictionary<string, string?> settings, HttpClient api)
    {
        Fixture = fixture;
        _database = database;
        _settings = settings;
        Api = api;
    }

    public SyncFixture Fixture { get; }

    public BitrixWorld World => Fixture.World;

    public HttpClient Api { get; private set; }

    internal IMirrorStore Mirror => Fixture.Mirror;

    public static async Task<WriteKit> StartAsync(bool postgres, IDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    {
        var database = postgres ? new PostgresTarget() : null;
        var all = database is null ? new Dictionary<string, string?>() : new Dictionary<string, string?>(await database.SettingsAsync());
        all["Sync:PollInterval"] = "00:00:01";
        all["Metrics:Urls"] = $"http://127.0.0.1:{MetricsKit.FreePort()}";
        all["WriteApi:Keys"] = "another-key-that-is-long-enough," + ApiKey;
        all["Bitrix24:AuthConnector"] = Connector;
        all["Bitrix24:Events"] = string.Join(',', Events);
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        var fixture = await SyncFixture.StartAsync(all, services: services);
        return new WriteKit(fixture, database, all, Client(fixture.Service));
    }

    /// <summary>Installs a portal and binds the doorbell and the offline events under the service's connector.</summary>
    public async Task<EmulatedPortal> InstallAsync(Action<EmulatedPortal>? before = null)
    {
        var portal = World.CreatePortal("shop.bitrix24.com");
        before?.Invoke(portal);
        await Fixture.InstallAndBindAsync(portal, events: []);
        using var client = Fixture.AppClient(portal);
        foreach (var name in Events)
        {
            (await client.CallAsync("event.bind", new JsonObject { ["event"] = name, ["event_type"] = "offline", ["auth_connector"] = Connector }, TestContext.Current.CancellationToken)).EnsureSuccess();
        }

        return portal;
    }

    /// <summary>Another instance of the service on the same database (PostgreSQL), with a write API of its own.</summary>
    public async Task<(ServiceHarness Replica, HttpClient Api)> StartReplicaAsync()
    {
        var settings = new Dictionary<string, string?>(_settings)
        {
            ["Metrics:Urls"] = $"http://127.0.0.1:{MetricsKit.FreePort()}",
            ["Sync:RetryDelay"] = "00:00:00.200",
            ["Sync:MinDrainInterval"] = "00:00:00",
        };
        var replica = await ServiceHarness.StartAsync(World, settings);
        _replicas.Add(replica);
        return (replica, Client(replica));
    }

    public async Task RestartAsync(Action<IServiceCollection>? services = null)
    {
        await Fixture.RestartServiceAsync(services);
        Api.Dispose();
        Api = Client(Fixture.Service);
    }

    public static JsonObject Write(string key, string entity, string action, string? id = null, JsonObject? fields = null, string? ifUnmodifiedSince = null)
    {
        var write = new JsonObject { ["key"] = key, ["entity"] = entity, ["action"] = action };
        if (id is not null)
        {
            write["id"] = id;
        }

        if (fields is not null)
        {
            write["fields"] = fields;
        }

        if (ifUnmodifiedSince is not null)
        {
            write["ifUnmodifiedSince"] = ifUnmodifiedSince;
        }

        return write;
    }

    public Task<HttpResponseMessage> PostAsync(string memberId, params JsonObject[] writes) =>
        PostRawAsync(memberId, new JsonObject { ["writes"] = new JsonArray([.. writes]) }.ToJsonString());

    public Task<HttpResponseMessage> PostAsync(HttpClient api, string memberId, params JsonObject[] writes) =>
        PostRawAsync(memberId, new JsonObject { ["writes"] = new JsonArray([.. writes]) }.ToJsonString(), api: api);

    public Task<HttpResponseMessage> PostRawAsync(string memberId, string body, string contentType = "application/json", HttpClient? api = null) =>
        (api ?? Api).PostAsync($"api/v1/portals/{memberId}/writes", new StringContent(body, Encoding.UTF8, contentType), TestContext.Current.CancellationToken);

    public async Task<JsonObject> AcceptAsync(string memberId, params JsonObject[] writes)
    {
        using var answer = await PostAsync(memberId, writes);
        var body = await answer.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(answer.StatusCode == HttpStatusCode.Accepted, body);
        return JsonNode.Parse(body)!.AsObject();
    }

    public async Task<JsonObject?> StatusAsync(string memberId, string key)
    {
        using var answer = await Api.GetAsync($"api/v1/portals/{memberId}/writes/{key}", TestContext.Current.CancellationToken);
        return answer.StatusCode == HttpStatusCode.OK ? JsonNode.Parse(await answer.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!.AsObject() : null;
    }

    /// <summary>Waits until the write has a final status (applied, conflict, failed) and answers its status document.</summary>
    public async Task<JsonObject> FinalAsync(string memberId, string key)
    {
        JsonObject? status = null;
        try
        {
            await Wait.UntilAsync(
                async () => (status = await StatusAsync(memberId, key))?["status"]?.GetValue<string>() is "applied" or "conflict" or "failed",
                $"write {key} has a final status",
                TimeSpan.FromSeconds(20));
        }
        catch (Exception ex)
        {
            throw new InvalidOperationException(ex.Message + " Last status: " + status?.ToJsonString() + "\n" + string.Join('\n', Fixture.Service.Logs.Lines.Where(l => !l.Contains("Debug", StringComparison.Ordinal)).TakeLast(40)), ex);
        }

        return status!;
    }

    internal static HttpClient Client(ServiceHarness service)
    {
        var api = new HttpClient { BaseAddress = service.ManagementAddress };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);
        return api;
    }

    public async ValueTask DisposeAsync()
    {
        Api.Dispose();
        foreach (var replica in _replicas)
        {
            await replica.DisposeAsync();
        }

        await Fixture.DisposeAsync();
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}
