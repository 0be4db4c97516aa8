namespace Bitrix24OfflineSync.Emulator.Rest;

/// <summary>Who makes a call: an app through OAuth, or a portal user (UI, robot, webhook) when <see cref="App"/> is null.</summary>
public sealed record Caller(EmulatedApp? App, int UserId, bool IsAdmin, string AuthConnector, bool ViaRest)
{
    public static Caller PortalUser(int userId = 1) => new(null, userId, IsAdmin: true, AuthConnector: "", ViaRest: false);
}
