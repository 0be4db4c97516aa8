namespace Bitrix24OfflineSync.Bitrix.Http;

/// <summary>A portal's answer was longer than <see cref="Bitrix24Options.MaxResponseBytes"/>; reading stopped there.</summary>
internal sealed class AnswerTooLargeException(long limit, Exception? inner = null)
    : Exception($"The answer is longer than {limit} bytes.", inner)
{
    public long Limit { get; } = limit;
}
