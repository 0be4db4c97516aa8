using System.Net.Sockets;
using System.Text;
using Bitrix24OfflineSync.Tests.Infrastructure;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Bitrix24OfflineSync.Tests.Hosting;

/// <summary>Kestrel's limits for a public endpoint: set by default, overridable by configuration, and enforced.</summary>
public sealed class ServerLimitsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TheDefaults_AreTighterThanKestrels()
    {
        await using var service = await ServiceHarness.StartAsync(world: null);

        var limits = service.Services.GetRequiredService<IOptions<KestrelServerOptions>>().Value.Limits;

        Assert.Equal(10_000, limits.MaxConcurrentConnections);
        Assert.Equal(TimeSpan.FromSeconds(10), limits.RequestHeadersTimeout);
        Assert.Equal(1024, limits.MinRequestBodyDataRate!.BytesPerSecond);
        Assert.Equal(TimeSpan.FromSeconds(5), limits.MinRequestBodyDataRate.GracePeriod);
    }

    [Fact]
    public async Task ConnectionsPastTheCap_AreClosed_AndServedAgainOnceOthersGo()
    {
        await using var service = await ServiceHarness.StartAsync(world: null, new Dictionary<string, string?> { ["Server:MaxConnections"] = "2" });
        var first = await OpenAsync(service);
        var second = await OpenAsync(service);

        using (var third = await OpenAsync(service))
        {
            Assert.Null(await ExchangeAsync(third, "GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n"));
        }

        first.Dispose();
        second.Dispose();
        await Bitrix24OfflineSync.TestKit.Wait.UntilAsync(
            async () =>
            {
                using var again = await OpenAsync(service);
                return await ExchangeAsync(again, "GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n") is { } answer && answer.StartsWith("HTTP/1.1 200", StringComparison.Ordinal);
            },
            "a connection is served once the others are closed");
    }

    [Fact]
    public async Task AClientTricklingItsHeaders_IsCutOffAfterTheTimeout()
    {
        await using var service = await ServiceHarness.StartAsync(world: null, new Dictionary<string, string?> { ["Server:RequestHeadersTimeout"] = "00:00:01" });
        using var client = await OpenAsync(service);

        var answer = await ExchangeAsync(client, "GET /health/live HTTP/1.1\r\nHost: x\r\n");

        // Kestrel answers 408 or simply closes; either way the connection is not held.
        Assert.True(answer is null || answer.StartsWith("HTTP/1.1 408", StringComparison.Ordinal), answer);
    }

    [Theory]
    [InlineData("Server:MaxConnections", "0")]
    [InlineData("Server:RequestHeadersTimeout", "00:00:00")]
    [InlineData("Server:MinRequestBodyBytesPerSecond", "0")]
    public async Task ImpossibleLimits_StopTheStart_NamingTheSetting(string key, string value)
    {
        var error = await ServiceHarness.StartFailureAsync(new Dictionary<string, string?> { [key] = value });

        Assert.Contains(key.Split(':')[1], error.Message, StringComparison.Ordinal);
    }

    private static async Task<TcpClient> OpenAsync(ServiceHarness service)
    {
        var client = new TcpClient();
        await client.ConnectAsync(service.BaseAddress.Host, service.BaseAddress.Port, Ct);
        return client;
    }

    /// <summary>Sends <paramref name="request"/> and reads what comes back until the server stops: null when it closed without a word.</summary>
    private static async Task<string?> ExchangeAsync(TcpClient client, string request)
    {
        var stream = client.GetStream();
        try
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes(request), Ct);
            var buffer = new byte[4096];
            var read = await stream.ReadAsync(buffer, Ct);
            return read == 0 ? null : Encoding.ASCII.GetString(buffer, 0, read);
        }
        catch (IOException)
        {
            return null;
        }
    }
}
