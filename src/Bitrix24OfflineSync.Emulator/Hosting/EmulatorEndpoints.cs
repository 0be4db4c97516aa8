namespace Bitrix24OfflineSync.Emulator.Hosting;

public static class EmulatorEndpoints
{
    /// <summary>Maps the OAuth server, every portal's REST endpoint and the emulator's control endpoints.</summary>
    public static IEndpointRouteBuilder MapEmulator(this IEndpointRouteBuilder endpoints, BitrixWorld world)
    {
        endpoints.MapOAuth(world);
        endpoints.MapRest(world);
        endpoints.MapControl(world);
        return endpoints;
    }
}
