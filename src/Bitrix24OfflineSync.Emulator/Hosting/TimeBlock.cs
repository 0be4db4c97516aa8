using System.Globalization;
using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Emulator.Portals;

namespace Bitrix24OfflineSync.Emulator.Hosting;

/// <summary>The <c>time</c> block of every successful answer (CRestServer::appendDebugInfo).</summary>
internal static class TimeBlock
{
    public static JsonObject Create(EmulatedPortal portal, DateTimeOffset start, DateTimeOffset finish, (double Operating, long ResetAt)? operating)
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
