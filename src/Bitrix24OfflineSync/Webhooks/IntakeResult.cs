namespace Bitrix24OfflineSync.Webhooks;

/// <summary>
/// How the endpoint answers an event: accepted (200), not authenticated (401, the same for every reason), or not
/// looked at because too many installs are being verified (429).
/// </summary>
internal enum IntakeResult
{
    Accepted,
    Unauthorized,
    Throttled,
}
