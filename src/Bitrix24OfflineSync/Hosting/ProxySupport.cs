using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace Bitrix24OfflineSync.Hosting;

/// <summary>
/// The <c>Proxy</c> configuration section: the reverse proxies whose <c>X-Forwarded-For/Proto/Host</c> headers are
/// believed. Comma-separated, one environment variable each. Empty (the default): forwarded headers are ignored,
/// because anyone can send them.
/// </summary>
internal sealed class ProxyOptions
{
    public const string Section = "Proxy";

    /// <summary>IP addresses of trusted proxies, e.g. <c>10.0.0.5,10.0.0.6</c>.</summary>
    public string? KnownProxies { get; set; }

    /// <summary>Networks of trusted proxies in CIDR form, e.g. <c>172.18.0.0/16</c>.</summary>
    public string? KnownNetworks { get; set; }

    public IReadOnlyList<string> ProxyList => Split(KnownProxies);

    public IReadOnlyList<string> NetworkList => Split(KnownNetworks);

    public bool IsConfigured => ProxyList.Count > 0 || NetworkList.Count > 0;

    private static string[] Split(string? value) =>
        value?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
}

/// <summary>Honours forwarded headers from the configured proxies only.</summary>
internal static class ProxySupport
{
    public static IServiceCollection AddProxySupport(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ProxyOptions>().Bind(configuration.GetSection(ProxyOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ProxyOptions>, ProxyOptionsValidator>();
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<ProxyOptions>>((forwarded, proxy) =>
        {
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost;
            // The framework trusts loopback by default; here only what the operator named is trusted.
            forwarded.KnownProxies.Clear();
            forwarded.KnownIPNetworks.Clear();
            foreach (var address in proxy.Value.ProxyList)
            {
                forwarded.KnownProxies.Add(IPAddress.Parse(address));
            }

            foreach (var network in proxy.Value.NetworkList)
            {
                forwarded.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
            }
        });
        return services;
    }

    /// <summary>First in the pipeline, so every later step sees the client's scheme, host and address.</summary>
    public static IApplicationBuilder UseProxySupport(this IApplicationBuilder app)
    {
        // Reading the options validates them: a bad address stops the start here, naming the key.
        var proxy = app.ApplicationServices.GetRequiredService<IOptions<ProxyOptions>>().Value;
        var logger = app.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ProxySupport));
        if (!proxy.IsConfigured)
        {
            ProxyLog.ForwardedHeadersIgnored(logger);
            return app;
        }

        ProxyLog.ForwardedHeadersHonoured(logger, string.Join(',', proxy.ProxyList), string.Join(',', proxy.NetworkList));
        return app.UseForwardedHeaders();
    }

    private sealed class ProxyOptionsValidator : IValidateOptions<ProxyOptions>
    {
        public ValidateOptionsResult Validate(string? name, ProxyOptions options)
        {
            var failures = new List<string>();
            failures.AddRange(options.ProxyList.Where(a => !IPAddress.TryParse(a, out _))
                .Select(a => $"Proxy:KnownProxies: '{a}' is not an IP address."));
            failures.AddRange(options.NetworkList.Where(n => !System.Net.IPNetwork.TryParse(n, out _))
                .Select(n => $"Proxy:KnownNetworks: '{n}' is not a network in CIDR form (such as 10.0.0.0/8)."));
            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }
    }
}
