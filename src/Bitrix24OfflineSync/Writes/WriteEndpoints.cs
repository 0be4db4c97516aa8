using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Portals;
using Bitrix24OfflineSync.Telemetry;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Bitrix24OfflineSync.Writes;

/// <summary>
/// <c>POST /api/v1/portals/{memberId}/writes</c> and <c>GET /api/v1/portals/{memberId}/writes/{key}</c>, on the
/// management address only (elsewhere 404), with a bearer key of <c>WriteApi__Keys</c> compared in constant time.
/// A 202 is answered only once every write of the request is in the database.
/// </summary>
internal static class WriteEndpoints
{
    public const int MaxBodyBytes = 1024 * 1024;

    public static IEndpointRouteBuilder MapWrites(this IEndpointRouteBuilder endpoints)
    {
        if (!endpoints.ServiceProvider.GetRequiredService<IOptions<WriteApiOptions>>().Value.Enabled)
        {
            return endpoints;
        }

        var group = endpoints.MapGroup("/api/v1/portals/{memberId}/writes").AddEndpointFilter(GuardAsync);
        group.MapPost("", AcceptAsync).WithName("AcceptWrites");
        group.MapGet("{key}", FindAsync).WithName("FindWrite");
        return endpoints;
    }

    /// <summary>Not on the management address: as if not mapped. Without a right key: 401.</summary>
    private static async ValueTask<object?> GuardAsync(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var context = invocation.HttpContext;
        if (!TelemetryExtensions.IsManagementRequest(context))
        {
            return TypedResults.NotFound();
        }

        var keys = context.RequestServices.GetRequiredService<IOptions<WriteApiOptions>>().Value.KeyList;
        if (!Authorized(context.Request.Headers.Authorization.ToString(), keys))
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
            return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized", detail: "A bearer key of WriteApi__Keys is required.");
        }

        return await next(invocation).ConfigureAwait(false);
    }

    /// <summary>Every key is compared, each in constant time, so the answer's timing tells nothing of which matched or how far.</summary>
    internal static bool Authorized(string header, IReadOnlyList<string> keys)
    {
        const string Scheme = "Bearer ";
        var given = header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase) ? header[Scheme.Length..].Trim() : "";
        var givenHash = SHA256.HashData(Encoding.UTF8.GetBytes(given));
        var match = false;
        foreach (var key in keys)
        {
            match |= CryptographicOperations.FixedTimeEquals(givenHash, SHA256.HashData(Encoding.UTF8.GetBytes(key)));
        }

        return match && given.Length > 0;
    }

    private static async Task<Results<Accepted<WritesAnswer>, ProblemHttpResult>> AcceptAsync(
        string memberId,
        HttpContext context,
        KnownPortals knownPortals,
        DirtyPortals dirty,
        IWriteStore store,
        WritesMetrics metrics,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        var request = context.Request;
        if (request.ContentType is not { } contentType || !contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type", detail: "The body must be application/json.");
        }

        if (request.ContentLength > MaxBodyBytes)
        {
            return TooLarge();
        }

        JsonNode? body;
        try
        {
            using var buffer = new MemoryStream();
            var chunk = new byte[16 * 1024];
            int read;
            while ((read = await request.Body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + read > MaxBodyBytes)
                {
                    return TooLarge();
                }

                buffer.Write(chunk, 0, read);
            }

            body = JsonNode.Parse(buffer.ToArray(), documentOptions: new JsonDocumentOptions { MaxDepth = 32 });
        }
        catch (JsonException)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type", detail: "The body is not JSON.");
        }

        var (writes, refusal) = WriteValidation.Read(body);
        if (refusal is not null)
        {
            var extensions = new Dictionary<string, object?> { ["field"] = refusal.Field };
            if (refusal.Index is { } index)
            {
                extensions["index"] = index;
            }

            var where = refusal.Index is { } i ? $"writes[{i}].{refusal.Field}" : refusal.Field;
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid write", detail: $"{where}: {refusal.Detail}", extensions: extensions);
        }

        if (await knownPortals.FindAsync(memberId, cancellationToken).ConfigureAwait(false) is not { Status: PortalStatus.Active } portal)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown portal", detail: $"No active portal has member_id '{Clip(memberId)}'.");
        }

        var acceptance = await store.AcceptAsync(memberId, writes!, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        if (acceptance.ConflictingKey is { } conflicting)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status409Conflict,
                title: "Key already used",
                detail: $"The key '{conflicting}' was accepted before with other content; nothing of this request was stored.",
                extensions: new Dictionary<string, object?> { ["key"] = conflicting });
        }

        metrics.Accepted(writes!, acceptance);

        // The portal's next turn applies them; a replica that holds its lease finds the signal.
        await dirty.MarkAsync(memberId, portal, TimeSpan.Zero, CancellationToken.None).ConfigureAwait(false);
        return TypedResults.Accepted((string?)null, new WritesAnswer([.. acceptance.Statuses.Select(s => new WriteStatusAnswer(s.Key, s.Status))]));
    }

    private static async Task<Results<Ok<WriteAnswer>, ProblemHttpResult>> FindAsync(
        string memberId, string key, IWriteStore store, CancellationToken cancellationToken)
    {
        if (await store.FindAsync(memberId, key, cancellationToken).ConfigureAwait(false) is not { } write)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown write", detail: $"Portal '{Clip(memberId)}' has no write with key '{Clip(key)}'.");
        }

        return TypedResults.Ok(WriteAnswer.Of(write));
    }

    private static ProblemHttpResult TooLarge() =>
        TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Payload too large", detail: $"The body is over {MaxBodyBytes} bytes.");

    private static string Clip(string text) => text.Length > 100 ? text[..100] : text;
}

internal sealed record WritesAnswer(IReadOnlyList<WriteStatusAnswer> Writes);

internal sealed record WriteStatusAnswer(string Key, string Status);

internal sealed record WriteErrorAnswer(string Code, string Message);

internal sealed record WriteAnswer(string Key, string Entity, string Action, string? Id, string Status, WriteErrorAnswer? Error, DateTimeOffset? AppliedAt)
{
    public static WriteAnswer Of(StoredWrite write) => new(
        write.Key,
        write.Request.Entity,
        write.Request.Action,
        write.ObjectId,
        write.Status,
        write.ErrorCode is null && write.ErrorMessage is null ? null : new WriteErrorAnswer(write.ErrorCode ?? "", write.ErrorMessage ?? ""),
        write.AppliedAt);
}
