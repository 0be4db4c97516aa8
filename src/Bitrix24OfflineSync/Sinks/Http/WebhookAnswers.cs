using System.Text;

namespace Bitrix24OfflineSync.Sinks.Http;

/// <summary>
/// What a receiver's answer means. A 2xx: stored. A 5xx, 408 or 429 (and a timeout or a refused connection): the
/// receiver is unwell, and the message is retried, then the batch waits. A 401, 403, 404 or 405: the address or the
/// secret is wrong, for every message alike, so it waits the same way (splitting it would find every object refused).
/// Any other 4xx: the receiver refuses something the message holds. A redirect is never followed, and retried.
/// </summary>
internal static class WebhookAnswers
{
    public static bool IsRefusal(int status) => status is >= 400 and < 500 and not (401 or 403 or 404 or 405 or 408 or 429);

    /// <summary>
    /// The first KiB of the answer's body, as text: why the receiver refused (kept for the operator, never logged). An
    /// answer that does not arrive within <paramref name="limit"/> is kept as far as it came.
    /// </summary>
    public static async Task<string> ReadStartAsync(HttpResponseMessage response, TimeSpan limit, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(response);
        var buffer = new byte[RefusalSearch.AnswerBytes];
        var read = 0;
        using var timeout = new CancellationTokenSource(limit, time);
        using var reading = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            var stream = await response.Content.ReadAsStreamAsync(reading.Token).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                int last;
                while (read < buffer.Length && (last = await stream.ReadAsync(buffer.AsMemory(read), reading.Token).ConfigureAwait(false)) > 0)
                {
                    read += last;
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or HttpRequestException or IOException && !cancellationToken.IsCancellationRequested)
        {
            // The refusal stands; only its reason came short.
        }

        return Encoding.UTF8.GetString(buffer, 0, read);
    }
}
