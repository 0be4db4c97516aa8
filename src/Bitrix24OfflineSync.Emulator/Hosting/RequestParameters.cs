using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Emulator.Rest;

namespace Bitrix24OfflineSync.Emulator.Hosting;

/// <summary>Reads a request's parameters as the server's <c>CRestUtil::getRequestData</c> does: query, then a form or (declared) JSON body.</summary>
internal static class RequestParameters
{
    public static async Task<JsonObject> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var parameters = PhpQuery.Parse(request.QueryString.HasValue ? request.QueryString.Value![1..] : "");
        if (request.ContentLength is 0 || !(HttpMethods.IsPost(request.Method) || HttpMethods.IsPut(request.Method)))
        {
            return parameters;
        }

        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        if (body.Length == 0)
        {
            return parameters;
        }

        // Only a body declared application/json is decoded as JSON; anything else is read as a form, even if it
        // looks like JSON, as CRestUtil::getRequestData decides by the Content-Type alone.
        var contentType = request.ContentType ?? "";
        if (contentType.Contains("application/json", StringComparison.OrdinalIgnoreCase))
        {
            JsonNode? parsed;
            try
            {
                parsed = JsonNode.Parse(body);
            }
            catch (JsonException)
            {
                throw RestException.InvalidArgument("Invalid JSON in request body");
            }

            if (parsed is JsonObject json)
            {
                foreach (var (name, value) in json.ToList())
                {
                    json.Remove(name);
                    parameters[name] = value;
                }
            }

            return parameters;
        }

        var form = PhpQuery.Parse(body);
        foreach (var (name, value) in form.ToList())
        {
            form.Remove(name);
            parameters[name] = value;
        }

        return parameters;
    }

    /// <summary>Takes a parameter out (case-insensitively), as the server strips auth keys from method parameters.</summary>
    public static string? Take(JsonObject parameters, string name) => TryTake(parameters, name, out var value) ? value : null;

    /// <summary>
    /// Takes a parameter out and says whether the key was there at all: the server tests some auth keys with
    /// <c>isset</c>, so a key sent with an empty (or non-scalar) value still counts.
    /// </summary>
    public static bool TryTake(JsonObject parameters, string name, out string? value)
    {
        var key = parameters.Select(p => p.Key).FirstOrDefault(k => string.Equals(k, name, StringComparison.OrdinalIgnoreCase));
        if (key is null)
        {
            value = null;
            return false;
        }

        value = MethodContext.Scalar(parameters[key]);
        parameters.Remove(key);
        return true;
    }
}
