using System.Net;
using Bitrix24OfflineSync.Emulator.Tests.Infrastructure;
using Bitrix24OfflineSync.TestKit;

namespace Bitrix24OfflineSync.Emulator.Tests.Methods;

public sealed class FeatureGetTests
{
    [Fact]
    public async Task FeatureGet_AnswersYOrNFromThePortalsPlan()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        emulator.Portal.SetFeature("rest_auth_connector", false);

        var extended = await emulator.Client.ResultAsync("feature.get", """{"CODE":"rest_offline_extended"}""");
        var connector = await emulator.Client.ResultAsync("feature.get", """{"code":"rest_auth_connector"}""");
        var unknown = await emulator.Client.ResultAsync("feature.get", """{"CODE":"no_such_feature"}""");

        Assert.Equal("Y", extended["value"]!.GetValue<string>());
        Assert.Equal("N", connector["value"]!.GetValue<string>());
        Assert.Equal("N", unknown["value"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"CODE":""}""")]
    [InlineData("""{"code":"0"}""")]
    public async Task FeatureGet_WithoutCode_Is400CodeEmpty(string parameters)
    {
        await using var emulator = await EmulatorHarness.StartAsync();

        var answer = await emulator.Client.CallAsync("feature.get", parameters);

        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Equal("CODE_EMPTY", answer.Error);
        Assert.Equal("CODE can't be empty", answer.ErrorDescription);
    }
}
