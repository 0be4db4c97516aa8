using System.Net;
using System.Net.Sockets;
using Bitrix24OfflineSync.Operations;
using Bitrix24OfflineSync.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Bitrix24OfflineSync.Tests.Deployment;

public sealed class HealthProbeTests
{
    [Theory]
    [InlineData(null, null, "http://127.0.0.1:8080/health/ready")]
    [InlineData(null, "9090", "http://127.0.0.1:9090/health/ready")]
    [InlineData(null, "9090;9091", "http://127.0.0.1:9090/health/ready")]
    [InlineData("http://+:7070", "9090", "http://127.0.0.1:7070/health/ready")]
    [InlineData("http://*:7071", null, "http://127.0.0.1:7071/health/ready")]
    [InlineData("http://0.0.0.0:7072", null, "http://127.0.0.1:7072/health/ready")]
    [InlineData("http://[::]:7073", null, "http://127.0.0.1:7073/health/ready")]
    [InlineData("http://localhost:5000", null, "http://127.0.0.1:5000/health/ready")]
    [InlineData("https://+:8443;http://127.0.0.1:8081", null, "http://127.0.0.1:8081/health/ready")]
    [InlineData("https://+:8443", null, "http://127.0.0.1:8080/health/ready")]
    [InlineData("http://bad:port:x", null, "http://127.0.0.1:8080/health/ready")]
    public void TheProbe_AsksTheFirstPlainHttpAddressOnLoopback(string? urls, string? httpPorts, string expected)
    {
        var target = HealthProbe.Target(name => name switch
        {
            "ASPNETCORE_URLS" => urls,
            "ASPNETCORE_HTTP_PORTS" => httpPorts,
            _ => null,
        });

        Assert.Equal(new Uri(expected), target);
    }

    [Fact]
    public async Task AgainstARunningService_TheProbeExitsZero()
    {
        await using var service = await ServiceHarness.StartAsync(world: null);
        var error = new StringWriter();

        var exitCode = await HealthProbe.RunAsync(Urls(service.BaseAddress.ToString()), error);

        Assert.Equal(HealthProbe.Healthy, exitCode);
        Assert.Equal("", error.ToString());
    }

    [Fact]
    public async Task WhenNothingListens_TheProbeExitsOneAndSaysWhere()
    {
        var port = FreePort();
        var error = new StringWriter();

        var exitCode = await HealthProbe.RunAsync(Urls($"http://127.0.0.1:{port}"), error);

        Assert.Equal(HealthProbe.Unhealthy, exitCode);
        Assert.Contains($"127.0.0.1:{port}/health/ready did not answer", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WhenTheServiceIsNotReady_TheProbeExitsOneWithTheStatus()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        await using var app = builder.Build();
        app.MapGet("/health/ready", () => Results.StatusCode(StatusCodes.Status503ServiceUnavailable));
        await app.StartAsync(TestContext.Current.CancellationToken);
        var error = new StringWriter();

        var exitCode = await HealthProbe.RunAsync(Urls(app.Urls.First()), error);

        Assert.Equal(HealthProbe.Unhealthy, exitCode);
        Assert.Contains("answered 503", error.ToString(), StringComparison.Ordinal);
    }

    private static Func<string, string?> Urls(string urls) => name => name == "ASPNETCORE_URLS" ? urls : null;

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
