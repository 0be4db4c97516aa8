using System.Net;
using Bitrix24OfflineSync.Portals;
using Bitrix24OfflineSync.TestKit;
using Bitrix24OfflineSync.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;
using static Bitrix24OfflineSync.Tests.Infrastructure.EventForms;

namespace Bitrix24OfflineSync.Tests.Webhooks;

/// <summary>
/// Each unverified install costs a call to the OAuth server with the app's secret: a flood of forged ones must cost a
/// bounded number of such calls (at the emulator's OAuth server, which counts them), flood neither the log nor the
/// OAuth server, and leave room for a real install. The service and the emulator share a fake clock, so the buckets
/// refill only when the test moves it.
/// </summary>
public sealed class InstallFloodTests
{
    private const int Burst = 10;
    private const int PortalBurst = 3;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Dictionary<string, string?> Limits => new()
    {
        ["Installs:Burst"] = Burst.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Installs:PerSecond"] = "1",
        ["Installs:PortalBurst"] = PortalBurst.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Installs:PortalInterval"] = "00:01:00",
    };

    [Fact]
    public async Task AFloodClaimingOnePortal_CostsAtMostItsBurstOfOAuthCalls_AndAnotherPortalStillInstalls()
    {
        var clock = new FakeTimeProvider(TestClock.Start);
        await using var fixture = await IntakeFixture.StartAsync(Limits, clock);
        var victim = fixture.World.CreatePortal("victim.bitrix24.com");
        fixture.World.AuthorizeApp(victim);

        var answers = await FloodAsync(fixture, 200, i => victim.MemberId);

        Assert.All(answers, status => Assert.Contains(status, new[] { HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests }));
        Assert.InRange(fixture.World.OAuth.RefreshRequests, 1, PortalBurst);
        Assert.InRange(fixture.Service.Logs.Of(1002).Count, 1, 10);
        var real = fixture.World.CreatePortal("real.bitrix24.com");
        var outcome = await fixture.World.InstallAppAsync(real, fixture.Service.EventsUrl, cancellationToken: Ct);
        Assert.Equal(200, outcome.CallbackStatus);
        Assert.Equal(PortalStatus.Active, (await fixture.Registry.FindAsync(real.MemberId, Ct))!.Status);
    }

    [Fact]
    public async Task AFloodOfMadeUpPortals_CostsAtMostTheFleetsBurst_AndARealInstallGoesThroughOnceItRefills()
    {
        var clock = new FakeTimeProvider(TestClock.Start);
        // With no cap on verifications at once, the fleet's bucket alone bounds them.
        var settings = Limits;
        settings["Installs:MaxConcurrent"] = "1000";
        await using var fixture = await IntakeFixture.StartAsync(settings, clock);

        var answers = await FloodAsync(fixture, 300, i => $"{i:x32}");

        Assert.All(answers, status => Assert.Contains(status, new[] { HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests }));
        Assert.Equal(Burst, fixture.World.OAuth.RefreshRequests);
        var spent = fixture.World.OAuth.RefreshRequests;
        var real = fixture.World.CreatePortal("real.bitrix24.com");
        var refused = await fixture.World.InstallAppAsync(real, fixture.Service.EventsUrl, cancellationToken: Ct);
        Assert.Equal(429, refused.CallbackStatus);
        Assert.Equal(spent, fixture.World.OAuth.RefreshRequests);

        clock.Advance(TimeSpan.FromSeconds(2));
        var accepted = await fixture.World.InstallAppAsync(real, fixture.Service.EventsUrl, cancellationToken: Ct);

        Assert.Equal(200, accepted.CallbackStatus);
        Assert.Equal(PortalStatus.Active, (await fixture.Registry.FindAsync(real.MemberId, Ct))!.Status);
    }

    [Fact]
    public async Task Refusals_AreLoggedAtMostTenAMinute_AndTheNextMinuteSaysHowManyWereNot()
    {
        var clock = new FakeTimeProvider(TestClock.Start);
        await using var fixture = await IntakeFixture.StartAsync(Limits, clock);

        await FloodAsync(fixture, 50, i => $"{i:x32}");
        var logged = fixture.Service.Logs.Of(1002).Count;
        clock.Advance(TimeSpan.FromMinutes(1));
        await FloodAsync(fixture, 1, i => "f00d");

        Assert.Equal(10, logged);
        var summary = Assert.Single(fixture.Service.Logs.Of(1013));
        Assert.Equal("40", summary["NotLogged"]);
        Assert.Equal(11, fixture.Service.Logs.Of(1002).Count);
    }

    [Fact]
    public async Task AVerificationThatOutlastsItsDeadline_IsRefused_AndStoresNothing()
    {
        var clock = new FakeTimeProvider(TestClock.Start);
        await using var fixture = await IntakeFixture.StartAsync(Limits, clock);
        var portal = fixture.World.CreatePortal("slow.bitrix24.com");
        var tokens = fixture.World.AuthorizeApp(portal);
        portal.Faults.Latency = TimeSpan.FromHours(1);

        var posting = fixture.Service.Http.PostAsync(
            fixture.Service.EventsUrl, Install(portal.MemberId, tokens.RefreshToken, portal.ClientEndpoint, "0123456789abcdef0123456789abcdef", portal.Domain), Ct);
        await Wait.UntilAsync(() => portal.Stats.Requests == 1, "the admin check reached the slow portal");
        clock.Advance(TimeSpan.FromSeconds(10));
        using var response = await posting;

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Null(await fixture.Registry.FindAsync(portal.MemberId, Ct));
        Assert.Contains("not verified within 10 s", Assert.Single(fixture.Service.Logs.Of(1002))["Reason"], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Installs:MaxConcurrent", "0")]
    [InlineData("Installs:PerSecond", "0")]
    [InlineData("Installs:PortalBurst", "-1")]
    [InlineData("Installs:Timeout", "00:20:00")]
    public async Task ImpossibleLimits_StopTheStart_NamingTheSetting(string key, string value)
    {
        var error = await ServiceHarness.StartFailureAsync(new Dictionary<string, string?> { [key] = value });

        Assert.Contains(key.Split(':')[1], error.Message, StringComparison.Ordinal);
    }

    /// <summary>Posts <paramref name="count"/> forged installs at once, with made-up refresh tokens.</summary>
    private static async Task<HttpStatusCode[]> FloodAsync(IntakeFixture fixture, int count, Func<int, string> memberId) =>
        await Task.WhenAll(Enumerable.Range(0, count).Select(async i =>
        {
            using var response = await fixture.Service.Http.PostAsync(
                fixture.Service.EventsUrl,
                Install(memberId(i), $"made-up-refresh-token-{i}", new Uri("https://victim.bitrix24.com/rest/"), "0123456789abcdef0123456789abcdef", "victim.bitrix24.com"),
                Ct);
            return response.StatusCode;
        }));
}
