namespace Bitrix24OfflineSync.Webhooks;

/// <summary>How the endpoint answers an event: accepted (200) or not authenticated (401, the same for every reason).</summary>
internal enum IntakeResult
{
    Accepted,
    Unauthorized,
}
