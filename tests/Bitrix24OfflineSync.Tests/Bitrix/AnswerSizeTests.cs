using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Bitrix;
using Bitrix24OfflineSync.Portals;
using Bitrix24OfflineSync.TestKit;
using Bitrix24OfflineSync.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using static Bitrix24OfflineSync.Tests.Infrastructure.EventForms;

namespace Bitrix24OfflineSync.Tests.Bitrix;

/// <summary>
/// A portal (a self-hosted one is in its owner's hands) or the OAuth server answering more than the limit fails the
/// call with a clear error, reading no further: one answer cannot exhaust the shared service's memory.
/// </summary>
public sealed class AnswerSizeTests
{
    private const int Limit = 64 * 1024;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ABatchOfListsLongerThanTheLimit_FailsTheCallClearly_AndIsNotSentAgain()
    {
        await using var fixture = await IntakeFixture.StartAsync(new Dictionary<string, string?> { ["Bitrix24:MaxResponseBytes"] = $"{Limit}" });
        var (portal, _) = await fixture.InstallAsync();
        fixture.World.Seed(portal, "crm.deal", 600);
        var cmd = new JsonObject();
        for (var i = 0; i < 12; i++)
        {
            cmd[$"p{i}"] = $"crm.deal.list?filter[>ID]={i * 50}&order[ID]=ASC&start=-1&select[0]=*&select[1]=UF_*";
        }

        var batchesBefore = portal.Stats.CallsOf("batch");
        var error = await Assert.ThrowsAsync<BitrixUnavailableException>(
            () => fixture.Service.Get<BitrixClient>().CallAsync(portal.MemberId, "batch", new JsonObject { ["cmd"] = cmd, ["halt"] = 0 }, Ct));

        Assert.Contains($"answer longer than {Limit} bytes (Bitrix24:MaxResponseBytes)", error.Reason, StringComparison.Ordinal);
        Assert.Equal(batchesBefore + 1, portal.Stats.CallsOf("batch"));
        var logged = Assert.Single(fixture.Service.Logs.Of(1210));
        Assert.Equal(portal.MemberId, logged["MemberId"]);
        Assert.Equal($"{Limit}", logged["MaxResponseBytes"]);
        // A batch under the limit still works.
        var small = await fixture.Service.Get<BitrixClient>().CallAsync(portal.MemberId, "crm.deal.list", new JsonObject { ["select"] = new JsonArray("ID") }, Ct);
        Assert.Equal(50, small.Result!.AsArray().Count);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task AnAnswerWithoutEnd_OrDeclaringALengthOverTheLimit_FailsTheCall(bool endless)
    {
        await using var portal = await HttpReceiver.StartAsync();
        portal.AnswerWith(async context =>
        {
            context.Response.ContentType = "application/json";
            var chunk = new byte[16 * 1024];
            chunk.AsSpan().Fill((byte)' ');
            if (!endless)
            {
                context.Response.ContentLength = 100L * 1024 * 1024;
            }

            // Writes until the client goes away: the service must stop reading, not the server stop writing.
            while (!context.RequestAborted.IsCancellationRequested)
            {
                await context.Response.Body.WriteAsync(chunk, context.RequestAborted).AsTask().ContinueWith(_ => { }, TaskScheduler.Default);
            }
        });
        await using var service = await ServiceHarness.StartAsync(world: null, new Dictionary<string, string?> { ["Bitrix24:MaxResponseBytes"] = $"{Limit}" });
        await service.RegisterPortalAsync("big", new Uri(portal.BaseAddress, "rest/"));

        var error = await Assert.ThrowsAsync<BitrixUnavailableException>(() => service.Get<BitrixClient>().CallAsync("big", "crm.deal.get", null, Ct));

        Assert.Contains("Bitrix24:MaxResponseBytes", error.Reason, StringComparison.Ordinal);
        Assert.Single(portal.TakeAll());
        Assert.Single(service.Logs.Of(1210));
    }

    [Fact]
    public async Task AnOAuthAnswerLongerThanAnyTokenAnswer_RefusesTheInstall()
    {
        await using var oauth = await HttpReceiver.StartAsync();
        oauth.AnswerWith(context =>
        {
            context.Response.ContentType = "application/json";
            return context.Response.WriteAsync($$"""{"access_token":"{{new string('a', 200_000)}}"}""", context.RequestAborted);
        });
        await using var service = await ServiceHarness.StartAsync(world: null, new Dictionary<string, string?>
        {
            ["Bitrix24:ClientId"] = "local.app",
            ["Bitrix24:ClientSecret"] = "secret",
            ["Bitrix24:OAuthServer"] = oauth.BaseAddress.ToString(),
        });

        using var response = await service.Http.PostAsync(
            service.EventsUrl, Install("m1", "refresh", new Uri("https://m1.bitrix24.com/rest/"), "0123456789abcdef0123456789abcdef", "m1.bitrix24.com"), Ct);

        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("answer_too_large", Assert.Single(service.Logs.Of(1002))["Reason"], StringComparison.Ordinal);
        Assert.Null(await service.Get<IPortalRegistry>().FindAsync("m1", Ct));
    }
}
