namespace Bitrix24OfflineSync.Emulator.Hosting;

/// <summary>Log messages of the control endpoints (event ids 9100–9199).</summary>
internal static partial class ControlLog
{
    [LoggerMessage(EventId = 9100, Level = LogLevel.Error, Message = "The change generator of portal {Domain} failed and stopped")]
    public static partial void GeneratorFailed(ILogger logger, Exception exception, string domain);

    [LoggerMessage(EventId = 9101, Level = LogLevel.Information, Message = "Portal {Domain} created through the control endpoint")]
    public static partial void PortalCreated(ILogger logger, string domain);
}
