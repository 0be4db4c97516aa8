using System.Net;

namespace Bitrix24OfflineSync.Emulator.Rest;

/// <summary>An error answered in Bitrix24's <c>{"error","error_description"}</c> envelope.</summary>
public sealed class RestException(HttpStatusCode status, string code, string description, string? argument = null)
    : Exception(description)
{
    public HttpStatusCode Status { get; } = status;

    public string Code { get; } = code;

    public string Description { get; } = description;

    /// <summary>The <c>argument</c> key some <c>ERROR_ARGUMENT</c> answers carry.</summary>
    public string? Argument { get; } = argument;

    public static RestException InvalidArgument(string description, string? argument = null) =>
        new(HttpStatusCode.BadRequest, "ERROR_ARGUMENT", description, argument);

    public static RestException NotFound() => new(HttpStatusCode.BadRequest, "", "Not found");

    public static RestException AccessDenied(string description = "Access denied!") =>
        new(HttpStatusCode.Forbidden, "ACCESS_DENIED", description);

    /// <summary><c>LicenseException</c>: an AccessException (403) with its own code, naming what the plan lacks.</summary>
    public static RestException License(string what) =>
        new(HttpStatusCode.Forbidden, "WRONG_LICENSE", $"This feature is not enabled for the current license: {what}");

    public static RestException Core(string description) => new(HttpStatusCode.BadRequest, "ERROR_CORE", description);
}
