namespace Bitrix24OfflineSync.Bitrix;

/// <summary>A call Bitrix24 answered with an error that retrying will not fix. The message never carries a token or URL query.</summary>
internal sealed class BitrixApiException(string memberId, string method, BitrixError error)
    : Exception($"{method} failed for portal {memberId}: {error}")
{
    public string MemberId { get; } = memberId;

    public string Method { get; } = method;

    public BitrixError Error { get; } = error;
}
