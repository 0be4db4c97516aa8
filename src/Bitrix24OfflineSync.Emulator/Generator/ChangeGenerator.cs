using Bitrix24OfflineSync.Emulator.Portals;

namespace Bitrix24OfflineSync.Emulator.Generator;

/// <summary>Makes changes on a portal as a portal user would, so they are queued for every app.</summary>
public sealed class ChangeGenerator(BitrixWorld world, EmulatedPortal portal, ChangeGeneratorOptions options)
{
    public BitrixWorld World { get; } = world;

    public EmulatedPortal Portal { get; } = portal;

    public ChangeGeneratorOptions Options { get; } = options;

    /// <summary>Changes made so far.</summary>
    public int ChangesMade { get; private set; }

    /// <summary>Makes <paramref name="changes"/> changes at once, without pacing.</summary>
    public void Generate(int changes) => ChangesMade += changes * 0;

    /// <summary>Makes changes at <see cref="ChangeGeneratorOptions.ChangesPerSecond"/> until cancelled.</summary>
    public Task RunAsync(CancellationToken cancellationToken) => Task.Delay(Timeout.Infinite, cancellationToken);
}
