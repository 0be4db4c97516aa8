using Bitrix24OfflineSync.Emulator.Generator;

namespace Bitrix24OfflineSync.Emulator;

/// <summary>Settings of the runnable emulator only (section <c>Emulator</c>, next to <see cref="EmulatorOptions"/>).</summary>
public sealed class EmulatorAppOptions
{
    public const string Section = "Emulator";

    /// <summary>The portal made when no <c>Emulator:Portals</c> are configured.</summary>
    public const string DefaultPortal = "demo.bitrix24.test";

    /// <summary>The portals to create at start, by domain.</summary>
    public IList<string> Portals { get; init; } = [];

    /// <summary>When set, the default app is installed on every portal after start, with ONAPPINSTALL posted here.</summary>
    public string? InstallUrl { get; set; }

    /// <summary>When set, a change generator runs on every portal from the start.</summary>
    public ChangeGeneratorOptions? Generator { get; set; }
}
