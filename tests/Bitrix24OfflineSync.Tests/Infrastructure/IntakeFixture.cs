using Bitrix24OfflineSync.Emulator;
using Bitrix24OfflineSync.Emulator.Hosting;
using Bitrix24OfflineSync.Emulator.Portals;
using Bitrix24OfflineSync.Portals;
using Bitrix24OfflineSync.Security;

namespace Bitrix24OfflineSync.Tests.Infrastructure;

/// <summary>An emulator and the service pointed at it, for the event-intake tests.</summary>
public sealed class IntakeFixture : IAsyncDisposable
{
    private IntakeFixture(EmulatorServer emulator, ServiceHarness service)
    {
        Emulator = emulator;
        Service = service;
    }

    public EmulatorServer Emulator { get; }

    public BitrixWorld World => Emulator.World;

    public ServiceHarness Service { get; }

    internal IPortalRegistry Registry => Service.Get<IPortalRegistry>();

    public static async Task<IntakeFixture> StartAsync(
        IDictionary<string, string?>? settings = null,
        TimeProvider? time = null,
        Action<EmulatorOptions>? configure = null)
    {
        var options = new EmulatorOptions { Seed = 7 };
        options.RateLimit.Enabled = false;
        configure?.Invoke(options);
        var emulator = await EmulatorServer.StartAsync(new BitrixWorld(options, time), cancellationToken: TestContext.Current.CancellationToken);
        var service = await ServiceHarness.StartAsync(emulator.World, settings, time: time);
        return new IntakeFixture(emulator, service);
    }

    /// <summary>Creates a portal and installs the app on it through the emulator's real ONAPPINSTALL post.</summary>
    public async Task<(EmulatedPortal Portal, InstallOutcome Outcome)> InstallAsync(string domain = "shop.bitrix24.com")
    {
        var portal = World.CreatePortal(domain);
        var outcome = await World.InstallAppAsync(portal, Service.EventsUrl, cancellationToken: TestContext.Current.CancellationToken);
        if (outcome.CallbackStatus == 200)
        {
            await Service.WaitUntilLoadedAsync(portal.MemberId);
        }

        return (portal, outcome);
    }

    /// <summary>The refresh token the service stored for a portal, decrypted with the service's own key.</summary>
    internal async Task<string?> StoredRefreshTokenAsync(string memberId)
    {
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Service.DatabasePath};Mode=ReadOnly");
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT refresh_token FROM portals WHERE member_id = $id";
        command.Parameters.AddWithValue("$id", memberId);
        var bytes = await command.ExecuteScalarAsync(TestContext.Current.CancellationToken) as byte[];
        return bytes is null ? null : Service.Get<TokenProtector>().Unprotect(bytes, memberId, TokenPurpose.Refresh);
    }

    public async ValueTask DisposeAsync()
    {
        await Service.DisposeAsync();
        await Emulator.DisposeAsync();
    }
}
