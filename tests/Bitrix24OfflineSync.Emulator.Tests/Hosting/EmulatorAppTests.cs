using Bitrix24OfflineSync.TestKit;

namespace Bitrix24OfflineSync.Emulator.Tests.Hosting;

/// <summary>
/// The runnable emulator (<c>dotnet run --project src/Bitrix24OfflineSync.Emulator</c>) in its own process, told to
/// install the app at a receiver and to run the change generator: the generator runs only where the install was taken.
/// </summary>
public sealed class EmulatorAppTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task AnInstallTheServiceTook_StartsTheChangeGenerator()
    {
        await using var receiver = await HttpReceiver.StartAsync();

        using var emulator = Start(receiver);
        await Wait.ForAsync(c => emulator.WaitForLineAsync("Bitrix24OfflineSync.Emulator[9006]", c), "the generator started", Limit);

        Assert.Contains("Bitrix24OfflineSync.Emulator[9003]", emulator.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Bitrix24OfflineSync.Emulator[9010]", emulator.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnInstallTheServiceRefused_LeavesTheGeneratorStopped_AndSaysHowToStartIt()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        receiver.DefaultStatus = 401;

        using var emulator = Start(receiver);
        await Wait.ForAsync(c => emulator.WaitForLineAsync("Bitrix24OfflineSync.Emulator[9010]", c), "the generator was not started", Limit);
        await Wait.ForAsync(c => emulator.WaitForLineAsync("curl -X POST", c), "the way to start it is given", Limit);

        Assert.Contains("Bitrix24OfflineSync.Emulator[9009]", emulator.Output, StringComparison.Ordinal);
        Assert.Contains("/_emulator/portals/demo.bitrix24.test/generator/start", emulator.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Bitrix24OfflineSync.Emulator[9006]", emulator.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Bitrix24OfflineSync.Emulator[9003]", emulator.Output, StringComparison.Ordinal);
    }

    private static ChildProcess Start(HttpReceiver receiver) => ChildProcess.Start(
        "dotnet",
        [
            Path.Combine(AppContext.BaseDirectory, "Bitrix24OfflineSync.Emulator.dll"),
            "--urls=http://127.0.0.1:0",
            $"--Emulator:InstallUrl={receiver.Url("/bitrix24/events")}",
            "--Emulator:Generator:Objects=5",
            "--Emulator:Generator:ChangesPerSecond=1",
        ],
        AppContext.BaseDirectory);
}
