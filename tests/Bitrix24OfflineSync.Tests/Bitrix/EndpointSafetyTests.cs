using System.Net;
using Bitrix24OfflineSync.Bitrix;
using Bitrix24OfflineSync.Bitrix.Http;
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
        await service.RegisterPortalAsync("renamed", new Uri(redirector.Url, "rest/"));

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
    [InlineData("https://[::]/rest/")]
    [InlineData("https://0.0.0.0/rest/")]
    [InlineData("https://[::ffff:10.0.0.1]/rest/")]
    [InlineData("https://169.254.169.254/rest/")]
    [InlineData("https://100.64.0.1/rest/")]
    [InlineData("https://[fe80::1]/rest/")]
    public async Task InsecureOrPrivateEndpoints_AreRefusedWhenInsecureEndpointsAreOff(string endpoint)
    {
        using var counter = new ConnectionCounter();
        await using var service = await ServiceHarness.StartAsync(world: null, new Dictionary<string, string?> { ["Bitrix24:AllowInsecureEndpoints"] = "false" });
        await service.RegisterPortalAsync("p1", new Uri(endpoint.Replace("{loopback}", counter.Url.Authority, StringComparison.Ordinal)));

        await Assert.ThrowsAsync<BitrixUnavailableException>(() => service.Get<BitrixClient>().CallAsync("p1", "crm.deal.get", null, Ct));

        Assert.Equal(0, counter.Connections);
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("10.0.0.1")]
    [InlineData("172.20.1.2")]
    [InlineData("169.254.169.254")]
    [InlineData("100.64.0.1")]
    [InlineData("0.0.0.0")]
    [InlineData("::")]
    [InlineData("::1")]
    [InlineData("::ffff:192.168.1.1")]
    [InlineData("fe80::1")]
    [InlineData("fd00::5")]
    public async Task AHostNameResolvingToANonPublicAddress_IsRefusedAtConnectTime(string address)
    {
        // The name passes the literal check; only what it resolves to gives it away. The counter listens on loopback,
        // so a connection made to 127.0.0.1 despite the check would be counted.
        using var counter = new ConnectionCounter();
        var resolver = new MappedResolver(new() { ["portal.example"] = [IPAddress.Parse(address)] });
        await using var service = await ServiceHarness.StartAsync(
            world: null, new Dictionary<string, string?> { ["Bitrix24:AllowInsecureEndpoints"] = "false" }, services: s => s.AddSingleton<IHostResolver>(resolver));
        await service.RegisterPortalAsync("p1", new Uri($"https://portal.example:{counter.Url.Port}/rest/"));

        var error = await Assert.ThrowsAsync<BitrixUnavailableException>(() => service.Get<BitrixClient>().CallAsync("p1", "crm.deal.get", null, Ct));

        Assert.Contains($"host portal.example resolves to {IPAddress.Parse(address)}, a", error.Reason, StringComparison.Ordinal);
        Assert.Equal(0, counter.Connections);
        Assert.Equal(1, resolver.Lookups);
        Assert.Contains("resolves to", Assert.Single(service.Logs.Of(1207))["Problem"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnOAuthServerResolvingToAPrivateAddress_IsNotCalled_AndTheInstallIsRefused()
    {
        var resolver = new MappedResolver(new() { ["oauth.example"] = [IPAddress.Parse("10.1.2.3")] });
        await using var service = await ServiceHarness.StartAsync(
            world: null,
            new Dictionary<string, string?>
            {
                ["Bitrix24:AllowInsecureEndpoints"] = "false",
                ["Bitrix24:OAuthServer"] = "https://oauth.example/",
                ["Bitrix24:ClientId"] = "local.app",
                ["Bitrix24:ClientSecret"] = "secret",
            },
            services: s => s.AddSingleton<IHostResolver>(resolver));

        using var response = await service.Http.PostAsync(
            service.EventsUrl, EventForms.Install("m1", "refresh", new Uri("https://m1.bitrix24.com/rest/"), "0123456789abcdef0123456789abcdef", "m1.bitrix24.com"), Ct);

        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("address_refused", Assert.Single(service.Logs.Of(1002))["Reason"], StringComparison.Ordinal);
        Assert.Equal(1, resolver.Lookups);
    }

    [Fact]
    public async Task AHostName_IsResolvedAndConnectedToByTheSameStep_WhenItsAddressIsAllowed()
    {
        // With insecure endpoints allowed (the emulator), the connect step still resolves names itself.
        await using var fixture = await IntakeFixture.StartAsync();
        var resolver = new MappedResolver(new() { ["portal.test"] = [IPAddress.Loopback] });
        await using var service = await ServiceHarness.StartAsync(fixture.World, services: s => s.AddSingleton<IHostResolver>(resolver));
        var portal = fixture.World.CreatePortal("named.bitrix24.com");
        var tokens = fixture.World.AuthorizeApp(portal);
        var named = new UriBuilder(portal.ClientEndpoint) { Host = "portal.test" }.Uri;
        await service.RegisterPortalAsync(portal.MemberId, named, "portal.test", tokens.AccessToken, tokens.RefreshToken);

        var answer = await service.Get<BitrixClient>().CallAsync(portal.MemberId, "user.admin", null, Ct);

        Assert.True(answer.Result!.GetValue<bool>());
        Assert.Equal(1, resolver.Lookups);
    }

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

    /// <summary>A resolver that knows a few names and counts the lookups.</summary>
    private sealed class MappedResolver(Dictionary<string, IPAddress[]> names) : IHostResolver
    {
        private int _lookups;

        public int Lookups => Volatile.Read(ref _lookups);

        public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _lookups);
            return Task.FromResult(names.TryGetValue(host, out var addresses) ? addresses : []);
        }
    }

    private sealed record Redirector(WebApplication App, Uri Url) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await App.DisposeAsync();
    }
}
