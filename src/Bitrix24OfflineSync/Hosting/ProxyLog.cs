namespace Bitrix24OfflineSync.Hosting;

/// <summary>Deployment behind a proxy, ids 1700–1749.</summary>
internal static partial class ProxyLog
{
    [LoggerMessage(1701, LogLevel.Information, "Forwarded headers are honoured from proxies {KnownProxies} and networks {KnownNetworks}")]
    public static partial void ForwardedHeadersHonoured(ILogger logger, string knownProxies, string knownNetworks);

    [LoggerMessage(1702, LogLevel.Debug, "Forwarded headers are ignored: no Proxy:KnownProxies or Proxy:KnownNetworks configured")]
    public static partial void ForwardedHeadersIgnored(ILogger logger);
}
