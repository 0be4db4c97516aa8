namespace Bitrix24OfflineSync.Webhooks;

/// <summary>Limits on an event body: far above what Bitrix24 sends, far below what could hurt the service.</summary>
internal static class BodyLimits
{
    public const int MaxBytes = 64 * 1024;
    public const int MaxKeys = 512;
    public const int MaxDepth = 8;
    public const int MaxKeyLength = 256;
}
