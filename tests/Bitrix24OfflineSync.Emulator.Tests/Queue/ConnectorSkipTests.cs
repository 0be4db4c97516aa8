using Bitrix24OfflineSync.Emulator.Tests.Infrastructure;

namespace Bitrix24OfflineSync.Emulator.Tests.Queue;

public sealed class ConnectorSkipTests
{
    [Fact]
    public async Task OwnChange_WithTheSameConnector_IsNotQueued()
    {
        await using var emulator = await QueueKit.StartAsync();
        await emulator.Client.BindOfflineAsync(connector: "sync");

        await emulator.Client.RaiseAsync(1, connector: "sync");
        await emulator.WrittenAsync();

        Assert.Equal(0, emulator.Portal.Queue.Depth(emulator.World.DefaultApp, "sync"));
    }

    [Fact]
    public async Task OwnChange_WithoutConnector_IsQueuedForTheConnectorQueue()
    {
        await using var emulator = await QueueKit.StartAsync();
        await emulator.Client.BindOfflineAsync(connector: "sync");

        await emulator.Client.RaiseAsync(1);
        await emulator.WrittenAsync();

        Assert.Equal(1, emulator.Portal.Queue.Depth(emulator.World.DefaultApp, "sync"));
    }

    [Fact]
    public async Task OwnChange_WithAnotherConnector_IsQueued()
    {
        await using var emulator = await QueueKit.StartAsync();
        await emulator.Client.BindOfflineAsync(connector: "sync");

        await emulator.Client.RaiseAsync(1, connector: "other");
        await emulator.WrittenAsync();

        Assert.Equal(1, emulator.Portal.Queue.Depth(emulator.World.DefaultApp, "sync"));
    }

    [Fact]
    public async Task OwnChange_WithoutConnectorToConnectorlessQueue_IsNotQueued()
    {
        await using var emulator = await QueueKit.StartAsync();
        await emulator.Client.BindOfflineAsync();

        await emulator.Client.RaiseAsync(1);
        await emulator.WrittenAsync();

        Assert.Equal(0, emulator.Portal.Queue.Depth(emulator.World.DefaultApp));
    }

    [Fact]
    public async Task PortalUserChange_IsAlwaysQueued()
    {
        await using var emulator = await QueueKit.StartAsync();
        await emulator.Client.BindOfflineAsync();
        await emulator.Client.BindOfflineAsync(connector: "sync");

        emulator.RaiseAsUser(1);
        await emulator.WrittenAsync();

        Assert.Equal(1, emulator.Portal.Queue.Depth(emulator.World.DefaultApp));
        Assert.Equal(1, emulator.Portal.Queue.Depth(emulator.World.DefaultApp, "sync"));
    }

    [Fact]
    public async Task Get_WithAuthConnector_ReadsOnlyThatQueue()
    {
        await using var emulator = await QueueKit.StartAsync();
        await emulator.Client.BindOfflineAsync(connector: "sync");
        emulator.RaiseAsUser(1);
        await emulator.WrittenAsync();

        var plain = await emulator.Client.ResultAsync("event.offline.get");
        var connector = await emulator.Client.ResultAsync("event.offline.get", """{"auth_connector":"sync"}""");

        Assert.Empty(plain["events"]!.AsArray());
        Assert.Single(connector["events"]!.AsArray());
    }
}
