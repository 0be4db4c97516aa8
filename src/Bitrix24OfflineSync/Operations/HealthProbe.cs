namespace Bitrix24OfflineSync.Operations;

/// <summary>
/// The <c>healthcheck</c> verb: asks the running service on this machine for <c>/health/ready</c> and exits 0 when
/// it answers 2xx, 1 otherwise. The container's HEALTHCHECK runs it because the runtime image has no curl.
/// It probes the first plain-http address of <c>ASPNETCORE_URLS</c>, else the first of
/// <c>ASPNETCORE_HTTP_PORTS</c>, else port 8080, always on loopback.
/// </summary>
internal static class HealthProbe
{
    public const int Healthy = 0;
    public const int Unhealthy = 1;
    private const int DefaultPort = 8080;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    public static bool IsCommand(string[] args) => args is ["healthcheck"];

    public static async Task<int> RunAsync(Func<string, string?> environment, TextWriter error)
    {
        var target = Target(environment);
        using var client = new HttpClient { Timeout = Timeout };
        try
        {
            using var response = await client.GetAsync(target).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                return Healthy;
            }

            await error.WriteLineAsync($"unhealthy: {target} answered {(int)response.StatusCode}").ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            await error.WriteLineAsync($"unhealthy: {target} did not answer ({ex.Message})").ConfigureAwait(false);
        }

        return Unhealthy;
    }

    /// <summary>Where the probe asks: wildcard and host names become 127.0.0.1, since it runs beside the service.</summary>
    public static Uri Target(Func<string, string?> environment)
    {
        var port = DefaultPort;
        var urls = (environment("ASPNETCORE_URLS") ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var ports = (environment("ASPNETCORE_HTTP_PORTS") ?? "").Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (urls.FirstOrDefault(u => u.StartsWith("http://", StringComparison.OrdinalIgnoreCase)) is { } url)
        {
            // "+" and "*" are not valid URI hosts; any host will do to read the port.
            var readable = url.Replace("://+", "://any", StringComparison.Ordinal).Replace("://*", "://any", StringComparison.Ordinal);
            port = Uri.TryCreate(readable, UriKind.Absolute, out var parsed) ? parsed.Port : DefaultPort;
        }
        else if (urls.Length == 0 && ports.Length > 0 && int.TryParse(ports[0], out var first))
        {
            port = first;
        }

        return new Uri($"http://127.0.0.1:{port}/health/ready");
    }
}
