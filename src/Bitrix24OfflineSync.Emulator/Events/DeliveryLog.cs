namespace Bitrix24OfflineSync.Emulator.Events;

/// <summary>Every POST the portal made or suppressed to handlers: doorbells, online events, install callbacks.</summary>
public sealed class DeliveryLog
{
}
