namespace Bitrix24OfflineSync.Emulator.Portals;

/// <summary>An app installed on a portal: who installed it and the portal's <c>application_token</c> for it.</summary>
public sealed record AppInstallation(EmulatedApp App, int UserId, bool IsAdmin, string ApplicationToken, DateTimeOffset InstalledAt);
