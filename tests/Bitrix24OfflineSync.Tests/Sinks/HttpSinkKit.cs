using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Sinks;
using Bitrix24OfflineSync.TestKit;
using Bitrix24OfflineSync.Tests.Infrastructure;

namespace Bitrix24OfflineSync.Tests.Sinks;

/// <summary>The service with its sink set to HTTP and pointed at a receiver, and changes to commit through it.</summary>
internal static class HttpSinkKit
{
    public const string MemberId = "a223c8bd5e9b4ab1b4e8d7a0c3f9e612";
    public const string Domain = "shop.bitrix24.com";

    public static string NewSecret() => "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    /// <summary>Settings for an HTTP sink that retries fast: the delays are a millisecond, the attempts three.</summary>
    public static Dictionary<string, string?> Settings(Uri url, string secret, int maxAttempts = 3, int maxBatchSize = 500, string timeout = "00:00:30") => new()
    {
        ["Sink:Type"] = "Http",
        ["Sink:Url"] = url.ToString(),
        ["Sink:AllowInsecureUrl"] = "true",
        ["Sink:Secret"] = secret,
        ["Sink:MaxAttempts"] = maxAttempts.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Sink:MaxBatchSize"] = maxBatchSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Sink:Timeout"] = timeout,
        ["Sink:RetryBaseDelay"] = "00:00:00.001",
        ["Sink:RetryMaxDelay"] = "00:00:00.005",
    };

    public static Task<ServiceHarness> StartAsync(Uri url, string secret, int maxAttempts = 3, int maxBatchSize = 500, string timeout = "00:00:30", TimeProvider? time = null) =>
        ServiceHarness.StartAsync(null, Settings(url, secret, maxAttempts, maxBatchSize, timeout), time: time);

    public static ISyncSink Sink(this ServiceHarness service) => service.Get<ISyncSink>();

    public static ObjectChange Deal(int id) => new(
        new ObjectKey("crm.deal", id.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        ChangeAction.Upsert,
        new JsonObject { ["ID"] = id.ToString(System.Globalization.CultureInfo.InvariantCulture), ["TITLE"] = $"Deal {id}" },
        new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.FromHours(3)),
        new DateTimeOffset(2026, 11, 22, 9, 0, 1, TimeSpan.Zero),
        ["ONCRMDEALUPDATE"],
        ["0123456789abcdef0123456789abcdef"]);

    public static SinkBatch Batch(string batchId, IReadOnlyList<ObjectChange> changes) => new(MemberId, Domain, batchId, changes);

    public static SinkBatch Batch(string batchId, int count) => Batch(batchId, Enumerable.Range(1, count).Select(Deal).ToList());

    /// <summary>The TITLE of each state a delivery carried, in order (null for a change without one).</summary>
    public static IReadOnlyList<string?> Titles(ReceivedRequest delivery) =>
        JsonNode.Parse(delivery.Body)!["changes"]!.AsArray().Select(c => c!["state"]?["TITLE"]?.GetValue<string>()).ToList();

    /// <summary>The ids of the changes a delivery carried, in order.</summary>
    public static IReadOnlyList<string> ChangeIds(ReceivedRequest delivery) =>
        JsonNode.Parse(delivery.Body)!["changes"]!.AsArray().Select(c => c!["id"]!.GetValue<string>()).ToList();
}
