using System.Net;
using System.Text.RegularExpressions;
using Bitrix24OfflineSync.Emulator.Rest;

namespace Bitrix24OfflineSync.Emulator.Methods;

/// <summary>
/// <c>HandlerHelper::checkCallback</c>: the host must be non-empty with a dot after its first character (so
/// <c>localhost</c> fails), then the scheme must be exactly http or https.
/// </summary>
internal static partial class HandlerUrl
{
    public static void Check(string url)
    {
        var match = UrlPattern().Match(url);
        var host = match.Success ? match.Groups["host"].Value : "";
        if (host.IndexOf('.', StringComparison.Ordinal) <= 0)
        {
            throw new RestException(HttpStatusCode.BadRequest, "ERROR_WRONG_HANDLER_URL", "Wrong handler URL");
        }

        if (match.Groups["scheme"].Value is not ("http" or "https"))
        {
            throw new RestException(HttpStatusCode.BadRequest, "ERROR_UNSUPPORTED_PROTOCOL", "Unsupported handler protocol");
        }
    }

    // parse_url: an optional scheme, then //, optional user info, and the host up to a port, path, query or fragment.
    [GeneratedRegex(@"^(?:(?<scheme>[A-Za-z][A-Za-z0-9+.\-]*):)?//(?:[^@/?#]*@)?(?<host>[^:/?#]*)")]
    private static partial Regex UrlPattern();
}
