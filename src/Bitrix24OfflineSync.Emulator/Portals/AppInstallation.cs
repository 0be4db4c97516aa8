namespace Bitrix24OfflineSync.Emulator.Portals;

/// <summary>An app installed on a portal: the user who installed it and the portal's <c>application_token</c> for it.</summary>
public sealed record AppInstallation(EmulatedApp App, int UserId, string ApplicationToken, DateTimeOffset InstalledAt);
