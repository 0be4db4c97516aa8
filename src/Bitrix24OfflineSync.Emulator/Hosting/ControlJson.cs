using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Bitrix24OfflineSync.Emulator.Hosting;

/// <summary>
/// How the control endpoints read and write JSON: bodies in camelCase with unknown fields refused (a typo must not
/// silently do nothing), answers in snake_case like the Bitrix24 data they describe, errors as ProblemDetails.
/// </summary>
internal static class ControlJson
{
    private static readonly JsonSerializerOptions Input = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        AllowTrailingCommas = true,
    };

    public static readonly JsonSerializerOptions Output = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static JsonHttpResult<T> Json<T>(T value, int statusCode = StatusCodes.Status200OK) =>
        TypedResults.Json(value, Output, statusCode: statusCode);

    /// <summary>Reads the body as <typeparamref name="T"/>; an empty body gives <paramref name="whenEmpty"/> or, without one, a 400.</summary>
    public static async Task<(T? Value, ProblemHttpResult? Problem)> ReadAsync<T>(HttpRequest request, T? whenEmpty = null)
        where T : class
    {
        using var reader = new StreamReader(request.Body);
        var text = await reader.ReadToEndAsync(request.HttpContext.RequestAborted).ConfigureAwait(false);
        if (string.IsNullOrWhiteSpace(text))
        {
            return whenEmpty is null ? (null, BadRequest("A JSON body is required.")) : (whenEmpty, null);
        }

        try
        {
            var value = JsonSerializer.Deserialize<T>(text, Input);
            return value is null ? (null, BadRequest("The body must be a JSON object.")) : (value, null);
        }
        catch (JsonException ex)
        {
            return (null, BadRequest($"The body is not valid: {ex.Message}"));
        }
    }

    public static ProblemHttpResult BadRequest(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status400BadRequest, title: "Invalid request");

    public static ProblemHttpResult Conflict(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status409Conflict, title: "Conflict");

    public static ProblemHttpResult NoPortal(string domain) =>
        TypedResults.Problem($"No portal {domain}.", statusCode: StatusCodes.Status404NotFound, title: "Portal not found");
}
