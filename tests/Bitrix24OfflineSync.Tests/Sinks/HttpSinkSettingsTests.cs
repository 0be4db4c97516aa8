using Bitrix24OfflineSync.Sinks;
using Bitrix24OfflineSync.TestKit;
using Bitrix24OfflineSync.Tests.Infrastructure;
using static Bitrix24OfflineSync.Tests.Sinks.HttpSinkKit;

namespace Bitrix24OfflineSync.Tests.Sinks;

/// <summary>What the HTTP sink accepts as settings at start, and what it lets into the logs.</summary>
public sealed class HttpSinkSettingsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string, string?, string> BadSettings => new()
    {
        { "Sink:Url", null, "Sink:Url must be an absolute http(s) URL" },
        { "Sink:Url", "/hooks", "Sink:Url must be an absolute http(s) URL" },
        { "Sink:Url", "ftp://receiver.example/hooks", "Sink:Url must be an absolute http(s) URL" },
        { "Sink:Secret", null, "Sink:Secret is required" },
        { "Sink:Secret", "c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0", "Sink:Secret must start with whsec_" },
        { "Sink:Secret", "whsec_this*is*not*base64", "Sink:Secret must be whsec_ followed by base64" },
        { "Sink:Secret", "whsec_" + Convert.ToBase64String(new byte[16]), "Sink:Secret must hold a key of at least 24 bytes" },
        { "Sink:MaxBatchSize", "0", "Sink:MaxBatchSize must be between 1 and 10000" },
        { "Sink:MaxBatchSize", "10001", "Sink:MaxBatchSize must be between 1 and 10000" },
        { "Sink:MaxAttempts", "0", "Sink:MaxAttempts must be between 1 and 100" },
        { "Sink:Timeout", "00:00:00", "Sink:Timeout must be positive" },
        { "Sink:RetryBaseDelay", "-00:00:01", "Sink:RetryBaseDelay must be between zero and one hour" },
    };

    [Theory]
    [MemberData(nameof(BadSettings))]
    public async Task Start_WithABadSinkSetting_FailsWithAMessageNamingTheKey(string key, string? value, string expected)
    {
        var settings = Settings(new Uri("https://receiver.example/hooks"), NewSecret());
        settings.Remove(key);
        if (value is not null)
        {
            settings[key] = value;
        }

        var message = await StartFailureAsync(settings);

        Assert.Contains(expected, message, StringComparison.Ordinal);
        if (key == "Sink:Secret" && value is not null)
        {
            Assert.DoesNotContain(value["whsec_".Length..], message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Start_WithAPlainHttpUrl_FailsUnlessInsecureUrlsAreAllowed()
    {
        var settings = Settings(new Uri("http://receiver.example/hooks"), NewSecret());
        settings["Sink:AllowInsecureUrl"] = "false";

        var message = await StartFailureAsync(settings);

        Assert.Contains("Sink:Url must use https", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_WithGoodHttpsSettings_MakesTheHttpForwarderTheSink()
    {
        var settings = Settings(new Uri("https://receiver.example/hooks"), NewSecret());
        settings["Sink:AllowInsecureUrl"] = "false";

        await using var service = await ServiceHarness.StartAsync(null, settings);

        Assert.Equal("HttpForwarderSink", service.Get<ISyncSink>().GetType().Name);
    }

    [Fact]
    public async Task Logs_OfFailedAndDeliveredAttempts_NameStatusAndAttempt_ButNeverTheSecretSignatureOrUrlQuery()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        var secret = NewSecret();
        const string QueryToken = "receiver-query-token-6f1d";
        await using var service = await StartAsync(new Uri(receiver.BaseAddress, "hooks?token=" + QueryToken), secret, maxBatchSize: 2);
        receiver.Answer(500, 200, 200);

        await service.Sink().CommitAsync(Batch("batch-1", 3), Ct);
        await service.Sink().ForgetPortalAsync(MemberId, Domain, Ct);
        receiver.DefaultStatus = 503;
        await Assert.ThrowsAsync<SinkUnavailableException>(() => service.Sink().CommitAsync(Batch("batch-2", 1), Ct));

        var deliveries = receiver.TakeAll();
        var lines = service.Logs.Lines;
        Assert.Contains(service.Logs.Of(1503), e => e["StatusCode"] == "500" && e["Attempt"] == "1");
        Assert.Contains(service.Logs.Of(1501), e => e["ChunkCount"] == "2");
        Assert.NotEmpty(service.Logs.Of(1502));
        Assert.NotEmpty(service.Logs.Of(1505));
        Assert.NotEmpty(service.Logs.Of(1506));
        var secrets = deliveries.Select(d => d.WebhookSignature[3..]).Append(secret["whsec_".Length..]).Append(QueryToken).ToList();
        foreach (var line in lines)
        {
            foreach (var value in secrets)
            {
                Assert.DoesNotContain(value, line, StringComparison.Ordinal);
            }
        }
    }

    /// <summary>Starts the service expecting it to refuse, and returns what it said (the harness's data folder is removed).</summary>
    private static async Task<string> StartFailureAsync(Dictionary<string, string?> settings)
    {
        var error = await ServiceHarness.StartFailureAsync(settings);
        return error is AggregateException many ? string.Join(" | ", many.Flatten().InnerExceptions.Select(e => e.Message)) : error.Message;
    }
}
