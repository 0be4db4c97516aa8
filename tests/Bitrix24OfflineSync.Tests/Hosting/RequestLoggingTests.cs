using System.Net;
using Bitrix24OfflineSync.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using static Bitrix24OfflineSync.Tests.Infrastructure.EventForms;

namespace Bitrix24OfflineSync.Tests.Hosting;

/// <summary>The completion event of each request goes through the service's logger, with its configured levels.</summary>
public sealed class RequestLoggingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AtTheProductionLevel_ARefusedDoorbellIsLogged_AndAnAcceptedOneIsNot()
    {
        await using var fixture = await IntakeFixture.StartAsync(new Dictionary<string, string?> { ["Serilog:MinimumLevel:Default"] = "Information" });
        var (portal, outcome) = await fixture.InstallAsync();

        await PostAsync(fixture, Doorbell(portal.MemberId, outcome.ApplicationToken), HttpStatusCode.OK);
        await PostAsync(fixture, Doorbell(portal.MemberId, "0123456789abcdef0123456789abcdef"), HttpStatusCode.Unauthorized);

        var doorbells = Completions(fixture, "ONOFFLINEEVENT");
        var refused = Assert.Single(doorbells);
        Assert.Equal("401", refused["StatusCode"]);
        Assert.Equal(LogLevel.Information, refused.Level);
        Assert.Equal(portal.MemberId, refused["MemberId"]);
    }

    [Fact]
    public async Task AtDebug_AnAcceptedDoorbellsCompletionIsLoggedAtDebug()
    {
        await using var fixture = await IntakeFixture.StartAsync(new Dictionary<string, string?> { ["Serilog:MinimumLevel:Default"] = "Debug" });
        var (portal, outcome) = await fixture.InstallAsync();

        await PostAsync(fixture, Doorbell(portal.MemberId, outcome.ApplicationToken), HttpStatusCode.OK);

        var accepted = Assert.Single(Completions(fixture, "ONOFFLINEEVENT"));
        Assert.Equal("200", accepted["StatusCode"]);
        Assert.Equal(LogLevel.Debug, accepted.Level);
    }

    [Fact]
    public async Task EvenAtVerbose_TheHostingsOwnRequestEventsAreOff_SoItOpensNoScopeForARequest()
    {
        await using var fixture = await IntakeFixture.StartAsync(new Dictionary<string, string?> { ["Serilog:MinimumLevel:Default"] = "Verbose" });
        var (portal, outcome) = await fixture.InstallAsync();

        await PostAsync(fixture, Doorbell(portal.MemberId, outcome.ApplicationToken), HttpStatusCode.OK);

        // ASP.NET Core opens its per-request logging scope (and makes an activity for it) only when this category
        // logs at Critical; the completion event is the request's one line.
        var hosting = fixture.Service.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Microsoft.AspNetCore.Hosting.Diagnostics");
        Assert.False(hosting.IsEnabled(LogLevel.Critical));
        Assert.DoesNotContain(fixture.Service.Logs.Lines, line => line.Contains("| Microsoft.AspNetCore.Hosting.Diagnostics |", StringComparison.Ordinal));
        Assert.Single(Completions(fixture, "ONOFFLINEEVENT"));
    }

    private static async Task PostAsync(IntakeFixture fixture, HttpContent content, HttpStatusCode expected)
    {
        using var response = await fixture.Service.Http.PostAsync(fixture.Service.EventsUrl, content, Ct);
        Assert.Equal(expected, response.StatusCode);
    }

    private static List<LogEvent> Completions(IntakeFixture fixture, string eventName) =>
        [.. fixture.Service.Logs.Events.Where(e => e["RequestPath"] == "/bitrix24/events" && e["EventName"] == eventName)];
}
