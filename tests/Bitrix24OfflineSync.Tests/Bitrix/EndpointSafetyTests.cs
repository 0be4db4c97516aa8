using Bitrix24OfflineSync.Bitrix;
using Bitrix24OfflineSync.Portals;
using Bitrix24OfflineSync.Security;
using Bitrix24OfflineSync.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Bitrix24OfflineSync.Tests.Bitrix;

public sealed class EndpointSafetyTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ARedirectFromThePortal_IsNotFollowedWithTheToken()
    {
        using var elsewhere = new ConnectionCounter();
        await using var redirector = await StartRedirectorAsync(elsewhere.Url);
        await using var service = await ServiceHarness.StartAsync(world: null);
        await RegisterAsync(service, "renamed", new Uri(redirector.Url, "rest/"));

        var error = await Assert.ThrowsAsync<BitrixUnavailableException>(() => service.Get<BitrixClient>().CallAsync("renamed", "crm.deal.get", null, Ct));

        Assert.Contains("redirect", error.Reason, StringComparison.Ordinal);
        Assert.Equal(0, elsewhere.Connections);
        Assert.NotEmpty(service.Logs.Of(1206));
    }

    [Theory]
    [InlineData("http://{loopback}/rest/")]
    [InlineData("https://127.0.0.1/rest/")]
    [InlineData("https://localhost/rest/")]
    [InlineData("https://10.1.2.3/rest/")]
    [InlineData("https://192.168.0.10/rest/")]
    [InlineData("https://[::1]/rest/")]
    public async Task InsecureOrPrivateEndpoints_AreRefusedWhenInsecureEndpointsAreOff(string endpoint)
    {
        using var counter = new ConnectionCounter();
        await using var service = await ServiceHarness.StartAsync(world: null, new Dictionary<string, string?> { ["Bitrix24:AllowInsecureEndpoints"] = "false" });
        await RegisterAsync(service, "p1", new Uri(endpoint.Replace("{loopback}", counter.Url.Authority, StringComparison.Ordinal)));

        await Assert.ThrowsAsync<BitrixUnavailableException>(() => service.Get<BitrixClient>().CallAsync("p1", "crm.deal.get", null, Ct));

        Assert.Equal(0, counter.Connections);
    }

    private static Task RegisterAsync(ServiceHarness service, string memberId, Uri endpoint) =>
        service.Get<IPortalRegistry>().SaveInstallAsync(
            new PortalInstall(memberId, "portal.example", endpoint, "access-token", "refresh-token", DateTimeOffset.UtcNow.AddHours(1),
                service.Get<ApplicationTokenHasher>().Hash("app-token"), "crm", DateTimeOffset.UtcNow),
            Ct);

    private static async Task<Redirector> StartRedirectorAsync(Uri target)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapPost("/{**path}", (string? path) => Results.Redirect(new Uri(target, path ?? "").ToString()));
        await app.StartAsync(Ct);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new Redirector(app, new Uri(address + "/"));
    }

    private sealed record Redirector(WebApplication App, Uri Url) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await App.DisposeAsync();
    }
}
