using Microsoft.Extensions.Options;

namespace Bitrix24OfflineSync.Bitrix.Http;

/// <summary>
/// The innermost handler: reads each answer whole into memory, up to <see cref="Bitrix24Options.MaxResponseBytes"/>,
/// inside the attempt timeout, so an answer that is too long or too slow costs neither unbounded memory nor an
/// unbounded wait. Reading stops at the limit (a declared length over it is refused before reading), and the
/// attempt fails with <see cref="AnswerTooLargeException"/>, which is not a fault: the same request would get the
/// same answer, so it is neither retried nor counted against the portal's circuit.
/// </summary>
internal sealed class BoundedAnswerHandler(IOptions<Bitrix24Options> options) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var limit = options.Value.MaxResponseBytes;
        try
        {
            if (response.Content.Headers.ContentLength > limit)
            {
                throw new AnswerTooLargeException(limit);
            }

            await response.Content.LoadIntoBufferAsync(limit, cancellationToken).ConfigureAwait(false);
            return response;
        }
        catch (HttpRequestException ex) when (ex.HttpRequestError == HttpRequestError.ConfigurationLimitExceeded)
        {
            response.Dispose();
            throw new AnswerTooLargeException(limit, ex);
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }
}
