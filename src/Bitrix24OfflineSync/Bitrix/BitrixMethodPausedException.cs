namespace Bitrix24OfflineSync.Bitrix;

/// <summary>
/// A method that must not be called before <see cref="Until"/>: the portal blocked it for its operating time, or the
/// client holds it back before the portal would. A pause, not a failure: nothing ran, and the caller tries again then.
/// </summary>
internal sealed class BitrixMethodPausedException(string memberId, string method, DateTimeOffset until)
    : Exception($"{method} for portal {memberId} is paused for its operating time until {until:O}")
{
    public string MemberId { get; } = memberId;

    public string Method { get; } = method;

    public DateTimeOffset Until { get; } = until;
}
