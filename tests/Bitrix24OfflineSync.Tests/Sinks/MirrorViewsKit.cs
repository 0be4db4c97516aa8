using System.Globalization;
using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Emulator;
using Bitrix24OfflineSync.Emulator.Portals;
using Bitrix24OfflineSync.Tests.Infrastructure;
using Bitrix24OfflineSync.Tests.Persistence;

namespace Bitrix24OfflineSync.Tests.Sinks;

/// <summary>
/// What the view tests share: the service on a test database syncing deals, contacts, companies, leads, smart
/// processes and activities from the emulator, and ways to read the views as a user's tool would.
/// </summary>
public abstract class MirrorViewsKit(StoreTarget target) : IAsyncDisposable
{
    public static readonly string[] Events =
    [
        .. SyncFixture.AllEvents,
        "ONCRMDYNAMICITEMADD", "ONCRMDYNAMICITEMUPDATE", "ONCRMDYNAMICITEMDELETE",
        "ONCRMACTIVITYADD", "ONCRMACTIVITYUPDATE", "ONCRMACTIVITYDELETE",
    ];

    private SyncFixture? _fixture;

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected StoreTarget Target { get; } = target;

    protected bool OnPostgres => Target is PostgresTarget;

    protected SyncFixture Fixture => _fixture ?? throw new InvalidOperationException("The service is not started.");

    protected BitrixWorld World => Fixture.World;

    /// <summary>Starts the emulator and one service instance on the test's database.</summary>
    protected async Task<SyncFixture> StartAsync(IDictionary<string, string?>? settings = null)
    {
        var all = await Target.SettingsAsync();
        all["Bitrix24:Events"] = string.Join(',', Events);
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        _fixture = await SyncFixture.StartAsync(all);
        return _fixture;
    }

    /// <summary>Installs the app on the portal, binds its events and waits for its load (the field lists' read included).</summary>
    protected Task InstallAsync(EmulatedPortal portal) => Fixture.InstallAndBindAsync(portal, events: Events);

    /// <summary>A view's columns in order, with their types (PostgreSQL's <c>data_type</c>; SQLite's views declare none).</summary>
    protected async Task<IReadOnlyList<(string Name, string Type)>> ColumnsAsync(string view)
    {
        var rows = OnPostgres
            ? await Target.RowsAsync($"SELECT column_name AS name, data_type AS type FROM information_schema.columns WHERE table_name = '{view}' ORDER BY ordinal_position")
            : await Target.RowsAsync($"SELECT name, type FROM pragma_table_info('{view}') ORDER BY cid");
        return [.. rows.Select(r => ((string)r["name"]!, r["type"] as string ?? ""))];
    }

    /// <summary>The views the database has whose names start with <c>b24_</c>.</summary>
    protected async Task<IReadOnlyList<string>> ViewsAsync()
    {
        var rows = OnPostgres
            ? await Target.RowsAsync("SELECT table_name AS name FROM information_schema.views WHERE table_schema = current_schema() AND table_name LIKE 'b24%' ORDER BY 1")
            : await Target.RowsAsync("SELECT name FROM sqlite_master WHERE type = 'view' AND name LIKE 'b24%' ORDER BY 1");
        return [.. rows.Select(r => (string)r["name"]!)];
    }

    /// <summary>One row of a view by portal and id.</summary>
    protected async Task<IReadOnlyDictionary<string, object?>> RowAsync(string view, EmulatedPortal portal, long id) =>
        Assert.Single(await Target.RowsAsync($"SELECT * FROM {view} WHERE member_id = '{portal.MemberId}' AND id = {id.ToString(CultureInfo.InvariantCulture)}"));

    /// <summary>Makes an object as a portal user would; its id.</summary>
    protected long Add(EmulatedPortal portal, string entity, JsonObject fields) =>
        long.Parse(World.CallAsUser(portal, $"crm.{entity}.add", new JsonObject { ["fields"] = fields }).Result!.ToString(), CultureInfo.InvariantCulture);

    protected void Update(EmulatedPortal portal, string entity, long id, JsonObject fields) =>
        World.CallAsUser(portal, $"crm.{entity}.update", new JsonObject { ["id"] = id, ["fields"] = fields });

    protected static decimal Number(object? value) => Convert.ToDecimal(value, CultureInfo.InvariantCulture);

    public async ValueTask DisposeAsync()
    {
        if (_fixture is not null)
        {
            await _fixture.DisposeAsync();
        }

        await Target.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}
