using System.Buffers;
using Microsoft.Net.Http.Headers;

namespace Bitrix24OfflineSync.Webhooks;

/// <summary>
/// Reads an event body: checks the content type (415) and size (413) before buffering more than the limit, then
/// parses form or JSON into an <see cref="EventPayload"/> (400 when malformed). The body is parsed from the server's own
/// buffer when it lies in one piece there (a doorbell's does), gathered into one first otherwise.
/// </summary>
internal static class EventBodyReader
{
    private const string FormType = "application/x-www-form-urlencoded";
    private const string JsonType = "application/json";

    public static async ValueTask<EventPayload> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var kind = Kind(request.ContentType);
        if (request.ContentLength > BodyLimits.MaxBytes)
        {
            throw TooLarge();
        }

        var reader = request.BodyReader;
        while (true)
        {
            var read = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var body = read.Buffer;
            if (body.Length > BodyLimits.MaxBytes)
            {
                reader.AdvanceTo(body.End);
                throw TooLarge();
            }

            if (!read.IsCompleted)
            {
                // Nothing consumed, all of it looked at: the next read waits for more of the body.
                reader.AdvanceTo(body.Start, body.End);
                cancellationToken.ThrowIfCancellationRequested();
                continue;
            }

            try
            {
                return body.IsEmpty
                    ? throw new MalformedBodyException(StatusCodes.Status400BadRequest, "empty body")
                    : new EventPayload(Parse(kind, body));
            }
            finally
            {
                reader.AdvanceTo(body.End);
            }
        }
    }

    private static IReadOnlyDictionary<string, string> Parse(BodyKind kind, ReadOnlySequence<byte> body)
    {
        if (body.IsSingleSegment)
        {
            return kind == BodyKind.Form ? FormBodyParser.Parse(body.FirstSpan) : JsonBodyParser.Parse(body.First);
        }

        var length = (int)body.Length;
        var copy = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            body.CopyTo(copy);
            return kind == BodyKind.Form ? FormBodyParser.Parse(copy.AsSpan(0, length)) : JsonBodyParser.Parse(copy.AsMemory(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(copy);
        }
    }

    private static MalformedBodyException TooLarge() => new(StatusCodes.Status413PayloadTooLarge, $"body over {BodyLimits.MaxBytes} bytes");

    private static BodyKind Kind(string? contentType)
    {
        // The media type alone, as Bitrix24 sends it, needs no parsing; anything longer is parsed.
        if (string.Equals(contentType, FormType, StringComparison.OrdinalIgnoreCase))
        {
            return BodyKind.Form;
        }

        if (contentType is not null && MediaTypeHeaderValue.TryParse(contentType, out var media))
        {
            if (media.MediaType.Equals(FormType, StringComparison.OrdinalIgnoreCase))
            {
                return BodyKind.Form;
            }

            if (media.MediaType.Equals(JsonType, StringComparison.OrdinalIgnoreCase))
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
