using Bitrix24OfflineSync.Tests.Infrastructure;

namespace Bitrix24OfflineSync.Tests.Persistence;

/// <summary>
/// The base of every store contract suite: the suite is written once and runs once per provider, each test on a
/// fresh database, with the stores built by the real service composition.
/// </summary>
public abstract class StoreContract : IAsyncDisposable
{
    private readonly List<ServiceHarness> _services = [];

    protected StoreContract(StoreTarget target) => Target = target;

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected StoreTarget Target { get; }

    /// <summary>
    /// Starts one more service instance on the test's database. Start them before installing portals: an instance
    /// starting wakes its drain worker for every active portal, and the test portals' endpoints are not reachable. Its
    /// safety net also asks a portal installed later within a slice of the poll interval: a test that needs the drain
    /// to leave a portal alone holds the portal's lease, as another replica would.
    /// </summary>
    protected async Task<ServiceHarness> StartServiceAsync(TimeProvider? time = null, Bitrix24OfflineSync.Emulator.BitrixWorld? world = null, IDictionary<string, string?>? settings = null)
    {
        var all = await Target.SettingsAsync();
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        var service = await ServiceHarness.StartAsync(world, all, time: time);
        lock (_services)
        {
            _services.Add(service);
        }

        return service;
    }

    /// <summary>One service instance's store of type <typeparamref name="T"/>.</summary>
    protected async Task<T> StoreAsync<T>()
        where T : notnull => (await StartServiceAsync()).Get<T>();

    public async ValueTask DisposeAsync()
    {
        foreach (var service in _services)
        {
            await service.DisposeAsync();
        }

        await Target.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}
