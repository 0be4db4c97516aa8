using System.Text.Json.Nodes;

namespace Bitrix24OfflineSync.Bitrix;

/// <summary>
/// Whether a call may be sent again after a fault that leaves its effect unknown (a 5xx, a timeout, a reset).
/// A fresh <c>event.offline.get</c> reserves rows, a clear or error changes the queue, an add creates an object:
/// those are never repeated blindly; their callers recover instead.
/// </summary>
internal static class RetrySafety
{
    public static bool IsSafe(string method, JsonObject? parameters)
    {
        var name = method.ToLowerInvariant();
        return name switch
        {
            "event.offline.get" => HasValue(parameters, "process_id"),
            "event.offline.clear" or "event.offline.error" => false,
            "batch" => BatchIsSafe(parameters),
            _ => !name.EndsWith(".add", StringComparison.Ordinal),
        };
    }

    private static bool BatchIsSafe(JsonObject? parameters)
    {
        if (parameters?["cmd"] is not JsonObject commands)
        {
            return true;
        }

        foreach (var (_, command) in commands)
        {
            var text = command?.GetValue<string>() ?? "";
            var q = text.IndexOf('?', StringComparison.Ordinal);
            var method = q < 0 ? text : text[..q];
            var query = q < 0 ? "" : text[(q + 1)..];
            var hasProcessId = query.Split('&').Any(p => p.StartsWith("process_id=", StringComparison.OrdinalIgnoreCase) && p.Length > 11);
            var safe = string.Equals(method, "event.offline.get", StringComparison.OrdinalIgnoreCase) ? hasProcessId : IsSafe(method, null);
            if (!safe)
            {
                return false;
            }
        }

        return true;
    }

    private static bool HasValue(JsonObject? parameters, string name) =>
        parameters?.Any(p => string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase) && p.Value is not null && p.Value.ToString().Length > 0) == true;
}
