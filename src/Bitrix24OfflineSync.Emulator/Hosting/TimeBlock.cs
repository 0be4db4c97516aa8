using System.Globalization;
using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Emulator.Limits;
using Bitrix24OfflineSync.Emulator.Portals;
using Bitrix24OfflineSync.Emulator.Rest;

namespace Bitrix24OfflineSync.Emulator.Hosting;

/// <summary>
/// The <c>time</c> block of every successful answer and of each batch command (CRestServer::appendDebugInfo, which
/// CRestServerBatchItem inherits).
/// </summary>
internal static class TimeBlock
{
    /// <summary>The block for a call of <paramref name="method"/>, with its operating time when the limiter is on and the caller is an app.</summary>
    public static JsonObject For(EmulatedPortal portal, Caller caller, string method, DateTimeOffset start, DateTimeOffset finish) =>
        Create(portal, start, finish, portal.OperatingLimiter.Enabled && caller.App is { } app ? portal.OperatingLimiter.Read(app.ClientId, method) : null);

    public static JsonObject Create(EmulatedPortal portal, DateTimeOffset start, DateTimeOffset finish, OperatingReading? operating)
    {
        var duration = (finish - start).TotalSeconds;
        var block = new JsonObject
        {
            ["start"] = Unix(start),
            ["finish"] = Unix(finish),
            ["duration"] = Math.Round(duration, 6),
            ["processing"] = Math.Round(duration, 6),
            ["date_start"] = portal.FormatTime(start),
            ["date_finish"] = portal.FormatTime(finish),
        };
        if (operating is { } op)
        {
            block["operating_reset_at"] = op.ResetAt;
            block["operating"] = Math.Round(op.Operating, 6);
        }

        return block;
    }

    private static double Unix(DateTimeOffset time) =>
        Math.Round(time.ToUnixTimeMilliseconds() / 1000.0, 3, MidpointRounding.AwayFromZero);

    public static string Iso(DateTimeOffset time) => time.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
}
