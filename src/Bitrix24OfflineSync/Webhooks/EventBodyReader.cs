using System.Buffers;
using Microsoft.Net.Http.Headers;

namespace Bitrix24OfflineSync.Webhooks;

/// <summary>
/// Reads an event body: checks the content type (415) and size (413) before buffering more than the limit, then
/// parses form or JSON into an <see cref="EventPayload"/> (400 when malformed).
/// </summary>
internal static class EventBodyReader
{
    public static async Task<EventPayload> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var kind = Kind(request.ContentType);
        if (request.ContentLength > BodyLimits.MaxBytes)
        {
            throw new MalformedBodyException(StatusCodes.Status413PayloadTooLarge, $"body over {BodyLimits.MaxBytes} bytes");
        }

        var buffer = ArrayPool<byte>.Shared.Rent(BodyLimits.MaxBytes + 1);
        try
        {
            var length = 0;
            int read;
            while ((read = await request.Body.ReadAsync(buffer.AsMemory(length, BodyLimits.MaxBytes + 1 - length), cancellationToken).ConfigureAwait(false)) > 0)
            {
                length += read;
                if (length > BodyLimits.MaxBytes)
                {
                    throw new MalformedBodyException(StatusCodes.Status413PayloadTooLarge, $"body over {BodyLimits.MaxBytes} bytes");
                }
            }

            if (length == 0)
            {
                throw new MalformedBodyException(StatusCodes.Status400BadRequest, "empty body");
            }

            var values = kind == BodyKind.Form
                ? FormBodyParser.Parse(buffer.AsSpan(0, length))
                : JsonBodyParser.Parse(buffer.AsMemory(0, length));
            return new EventPayload(values);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static BodyKind Kind(string? contentType)
    {
        if (contentType is not null && MediaTypeHeaderValue.TryParse(contentType, out var media))
        {
            if (media.MediaType.Equals("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase))
            {
                return BodyKind.Form;
            }

            if (media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase))
            {
                return BodyKind.Json;
            }
        }

        throw new MalformedBodyException(StatusCodes.Status415UnsupportedMediaType, "content type is neither form nor JSON");
    }

    private enum BodyKind
    {
        Form,
        Json,
    }
}
