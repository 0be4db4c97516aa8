namespace Bitrix24OfflineSync.Emulator.Hosting;

/// <summary>The emulator's own control surface under <c>/_emulator/</c>: stats, faults, installs, generated changes.</summary>
internal static class ControlEndpoints
{
    public static IEndpointRouteBuilder MapControl(this IEndpointRouteBuilder endpoints, BitrixWorld world)
    {
        _ = world;
        return endpoints;
    }
}
