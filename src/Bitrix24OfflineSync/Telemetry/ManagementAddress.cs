namespace Bitrix24OfflineSync.Telemetry;

/// <summary>
/// The management listener (<c>Metrics:Urls</c>) beside the public ones. Kestrel takes either <c>urls</c> or its own
/// <c>Kestrel:Endpoints</c>; the management URL is added to whichever the operator uses, so setting it never drops a
/// public listener.
/// </summary>
internal sealed record ManagementAddress(Uri Url)
{
    public int Port => Url.Port;

    public static ManagementAddress? Parse(string? urls) =>
        Problem(urls) is null && !string.IsNullOrWhiteSpace(urls) ? new ManagementAddress(new Uri(Normalize(urls.Trim()))) : null;

    /// <summary>Why <paramref name="urls"/> is not a usable management address, or null (empty means off).</summary>
    public static string? Problem(string? urls)
    {
        if (string.IsNullOrWhiteSpace(urls))
        {
            return null;
        }

        if (urls.Contains(';', StringComparison.Ordinal))
        {
            return $"'{urls}' names more than one URL; the management address is one http:// URL.";
        }

        if (!Uri.TryCreate(Normalize(urls.Trim()), UriKind.Absolute, out var url) || url.Scheme != Uri.UriSchemeHttp || url.AbsolutePath != "/")
        {
            return $"'{urls}' is not an http:// URL without a path, such as http://0.0.0.0:9464.";
        }

        return url.IsDefaultPort || url.Port == 0 ? $"'{urls}' needs an explicit port other than 0 (the endpoint is told apart by its port)." : null;
    }

    public static void Listen(WebApplicationBuilder builder, ManagementAddress management)
    {
        var url = management.Url.GetLeftPart(UriPartial.Authority);
        if (builder.Configuration.GetSection("Kestrel:Endpoints").GetChildren().Any())
        {
            builder.Configuration.AddInMemoryCollection([new("Kestrel:Endpoints:Management:Url", url)]);
            return;
        }

        builder.WebHost.UseUrls([.. PublicUrls(builder.WebHost), url]);
    }

    /// <summary>The URLs Kestrel would listen on without the management address: <c>urls</c>, else the ports, else its default.</summary>
    private static string[] PublicUrls(ConfigureWebHostBuilder host)
    {
        var urls = Split(host.GetSetting(WebHostDefaults.ServerUrlsKey));
        if (urls.Length > 0)
        {
            return urls;
        }

        var ports = Split(host.GetSetting(WebHostDefaults.HttpPortsKey)).Select(p => $"http://*:{p}")
            .Concat(Split(host.GetSetting(WebHostDefaults.HttpsPortsKey)).Select(p => $"https://*:{p}"))
            .ToArray();
        return ports.Length > 0 ? ports : ["http://localhost:5000"];
    }

    private static string[] Split(string? value) => value?.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];

    /// <summary>Kestrel's wildcard hosts (<c>*</c>, <c>+</c>) are not URI hosts; they are read as any address.</summary>
    private static string Normalize(string url) => url.Replace("://*:", "://0.0.0.0:", StringComparison.Ordinal).Replace("://+:", "://0.0.0.0:", StringComparison.Ordinal);
}
