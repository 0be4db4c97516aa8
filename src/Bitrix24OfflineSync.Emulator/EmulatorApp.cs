using Bitrix24OfflineSync.Emulator.Hosting;

namespace Bitrix24OfflineSync.Emulator;

/// <summary>The runnable emulator: <c>dotnet run --project src/Bitrix24OfflineSync.Emulator</c>.</summary>
internal static class EmulatorApp
{
    public static async Task<int> RunAsync(string[] args)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        var options = builder.Configuration.GetSection("Emulator").Get<EmulatorOptions>() ?? new EmulatorOptions();
        await using var world = new BitrixWorld(options);
        var app = builder.Build();
        app.MapEmulator(world);
        await app.StartAsync().ConfigureAwait(false);
        world.BaseAddress = EmulatorServer.ListeningAddress(app);
        await app.WaitForShutdownAsync().ConfigureAwait(false);
        return 0;
    }
}
