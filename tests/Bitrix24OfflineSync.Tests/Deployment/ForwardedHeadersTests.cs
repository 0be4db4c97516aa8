using Bitrix24OfflineSync.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Bitrix24OfflineSync.Tests.Deployment;

/// <summary>
/// The service's own pipeline (built by <see cref="SyncServiceApp"/>) with one endpoint the test adds, which reports
/// what the request looks like after the service's middleware: scheme, client address and host.
/// </summary>
public sealed class ForwardedHeadersTests
{
    private const string ClientAddress = "203.0.113.9";

    [Fact]
    public async Task WithoutConfiguredProxies_ForwardedHeadersFromLoopbackAreIgnored()
    {
        var seen = await SendThroughServiceAsync(new Dictionary<string, string?>());

        Assert.Equal("http 127.0.0.1 127.0.0.1", seen);
    }

    [Fact]
    public async Task FromAnAddressThatIsNotAKnownProxy_ForwardedHeadersAreIgnored()
    {
        var seen = await SendThroughServiceAsync(new Dictionary<string, string?>
        {
            ["Proxy:KnownProxies"] = "10.20.30.40",
            ["Proxy:KnownNetworks"] = "192.168.0.0/16",
        });

        Assert.Equal("http 127.0.0.1 127.0.0.1", seen);
    }

    [Fact]
    public async Task FromAKnownProxy_SchemeClientAddressAndHostAreTheForwardedOnes()
    {
        var seen = await SendThroughServiceAsync(new Dictionary<string, string?> { ["Proxy:KnownProxies"] = "10.20.30.40, 127.0.0.1" });

        Assert.Equal($"https {ClientAddress} sync.example.com", seen);
    }

    [Fact]
    public async Task FromAKnownNetwork_SchemeClientAddressAndHostAreTheForwardedOnes()
    {
        var seen = await SendThroughServiceAsync(new Dictionary<string, string?> { ["Proxy:KnownNetworks"] = "127.0.0.0/8" });

        Assert.Equal($"https {ClientAddress} sync.example.com", seen);
    }

    [Theory]
    [InlineData("Proxy:KnownProxies", "10.0.0.1,not-an-address", "'not-an-address'")]
    [InlineData("Proxy:KnownNetworks", "10.0.0.0/8,10.0.0.0/40", "'10.0.0.0/40'")]
    [InlineData("Proxy:KnownNetworks", "10.0.0.1", "'10.0.0.1'")]
    public void ABadProxySetting_StopsTheStartNamingTheKeyAndTheValue(string key, string value, string named)
    {
        var dataDirectory = NewDataDirectory();
        try
        {
            var error = Assert.Throws<OptionsValidationException>(() => Build(new Dictionary<string, string?> { [key] = value }, dataDirectory));

            Assert.Contains($"{key}: {named}", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    private static async Task<string> SendThroughServiceAsync(Dictionary<string, string?> settings)
    {
        var dataDirectory = NewDataDirectory();
        var app = Build(settings, dataDirectory);
        try
        {
            app.MapGet("/test/request-origin", (HttpContext http) => $"{http.Request.Scheme} {http.Connection.RemoteIpAddress} {http.Request.Host.Host}");
            await app.StartAsync(TestContext.Current.CancellationToken);
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            using var http = new HttpClient();
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(new Uri(address), "/test/request-origin"));
            request.Headers.Add("X-Forwarded-For", ClientAddress);
            request.Headers.Add("X-Forwarded-Proto", "https");
            request.Headers.Add("X-Forwarded-Host", "sync.example.com");
            using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
            response.EnsureSuccessStatusCode();
            return await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        }
        finally
        {
            await app.StopAsync(CancellationToken.None);
            await app.DisposeAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    private static WebApplication Build(Dictionary<string, string?> settings, string dataDirectory) =>
        SyncServiceApp.Build([], builder => builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>(settings)
        {
            ["urls"] = "http://127.0.0.1:0",
            ["Storage:DataDirectory"] = dataDirectory,
        }));

    private static string NewDataDirectory()
    {
        var path = Path.Combine(Path.GetTempPath(), "b24sync-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }
}
