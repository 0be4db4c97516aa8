using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Sinks;
using Bitrix24OfflineSync.TestKit;
using static Bitrix24OfflineSync.Tests.Sinks.HttpSinkKit;
using Microsoft.Extensions.Time.Testing;

namespace Bitrix24OfflineSync.Tests.Sinks;

public sealed class HttpForwarderSinkTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Commit_PostsJson_SignedWithTheSecretOverIdTimestampAndBody()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        var secret = NewSecret();
        var clock = new FakeTimeProvider(TestClock.Start);
        await using var service = await StartAsync(receiver.BaseAddress, secret, time: clock);

        await service.Sink().CommitAsync(Batch("batch-1", 2), Ct);

        var delivery = Assert.Single(receiver.TakeAll());
        Assert.Equal("POST", delivery.Method);
        Assert.StartsWith("application/json", delivery.ContentType, StringComparison.Ordinal);
        Assert.StartsWith("msg_", delivery.WebhookId, StringComparison.Ordinal);
        Assert.Equal(clock.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), delivery.WebhookTimestamp);
        Assert.StartsWith("v1,", delivery.WebhookSignature, StringComparison.Ordinal);
        Assert.True(StandardWebhook.SignatureIsValid(delivery, secret));
        Assert.False(StandardWebhook.SignatureIsValid(delivery, NewSecret()));
    }

    [Fact]
    public async Task Commit_Body_HasTheContractsShapeForUpsertDeleteAndUnmappedEvent()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        await using var service = await StartAsync(receiver.BaseAddress, NewSecret());
        var fetched = new DateTimeOffset(2026, 11, 22, 9, 0, 0, TimeSpan.Zero);
        var changes = new ObjectChange[]
        {
            new(new ObjectKey("crm.deal", "759"), ChangeAction.Upsert, new JsonObject { ["ID"] = "759", ["TITLE"] = "Поставка" },
                new DateTimeOffset(2026, 11, 22, 12, 30, 5, TimeSpan.FromHours(3)), fetched, ["ONCRMDEALUPDATE"], ["m1"]),
            new(new ObjectKey("crm.contact", "12"), ChangeAction.Delete, null, null, fetched, ["ONCRMCONTACTDELETE"], ["m2"]),
            new(new ObjectKey("event", "m3"), ChangeAction.Event, new JsonObject { ["FIELDS"] = new JsonObject { ["ID"] = 5 } },
                null, fetched, ["ONCUSTOMTHING"], ["m3"]),
        };

        await service.Sink().CommitAsync(Batch("batch-1", changes), Ct);

        var body = JsonNode.Parse(Assert.Single(receiver.TakeAll()).Body);
        var expected = JsonNode.Parse(
            """
            {"type":"bitrix24.changes",
             "portal":{"memberId":"a223c8bd5e9b4ab1b4e8d7a0c3f9e612","domain":"shop.bitrix24.com"},
             "changes":[
              {"entity":"crm.deal","id":"759","action":"upsert","origin":"event","state":{"ID":"759","TITLE":"Поставка"},"modifiedAt":"2026-11-22T12:30:05+03:00","events":["ONCRMDEALUPDATE"]},
              {"entity":"crm.contact","id":"12","action":"delete","origin":"event","state":null,"events":["ONCRMCONTACTDELETE"]},
              {"entity":"event","id":"m3","action":"event","origin":"event","state":{"event":"ONCUSTOMTHING","data":{"FIELDS":{"ID":5}}},"events":["ONCUSTOMTHING"]}]}
            """);
        Assert.True(JsonNode.DeepEquals(expected, body), body!.ToJsonString());
    }

    [Fact]
    public async Task Commit_OfMoreChangesThanMaxBatchSize_SendsChunksInOrderWithDistinctIds()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        await using var service = await StartAsync(receiver.BaseAddress, NewSecret(), maxBatchSize: 500);

        await service.Sink().CommitAsync(Batch("batch-1", 1_201), Ct);

        var deliveries = receiver.TakeAll();
        Assert.Equal([500, 500, 201], deliveries.Select(d => ChangeIds(d).Count));
        Assert.Equal(Enumerable.Range(1, 1_201).Select(i => i.ToString(CultureInfo.InvariantCulture)), deliveries.SelectMany(ChangeIds));
        Assert.Equal(3, deliveries.Select(d => d.WebhookId).Distinct().Count());
    }

    [Fact]
    public async Task Commit_OfAnEmptyBatch_SendsNothing()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        await using var service = await StartAsync(receiver.BaseAddress, NewSecret());

        await service.Sink().CommitAsync(Batch("batch-1", 0), Ct);

        Assert.Empty(receiver.TakeAll());
    }

    [Fact]
    public async Task Commit_WhenTheReceiverFailsTwice_RetriesWithTheSameIdAndAFreshSignatureUntilAccepted()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        var secret = NewSecret();
        await using var service = await StartAsync(receiver.BaseAddress, secret, maxAttempts: 3);
        receiver.Answer(500, 500, 200);

        await service.Sink().CommitAsync(Batch("batch-1", 3), Ct);

        var deliveries = receiver.TakeAll();
        Assert.Equal(3, deliveries.Count);
        Assert.Single(deliveries.Select(d => d.WebhookId).Distinct());
        Assert.All(deliveries, d => Assert.True(StandardWebhook.SignatureIsValid(d, secret)));
    }

    [Fact]
    public async Task Commit_WhenTheReceiverAlwaysFails_ThrowsSinkUnavailableAfterMaxAttempts()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        receiver.DefaultStatus = 503;
        await using var service = await StartAsync(receiver.BaseAddress, NewSecret(), maxAttempts: 4);

        await Assert.ThrowsAsync<SinkUnavailableException>(() => service.Sink().CommitAsync(Batch("batch-1", 3), Ct));

        Assert.Equal(4, receiver.TakeAll().Count);
    }

    [Fact]
    public async Task Commit_WhenTheReceiverRefusesConnections_ThrowsSinkUnavailable()
    {
        await using var service = await StartAsync(ClosedPort(), NewSecret(), maxAttempts: 2);

        var error = await Assert.ThrowsAsync<SinkUnavailableException>(() => service.Sink().CommitAsync(Batch("batch-1", 3), Ct));

        Assert.Contains("ConnectionError", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Commit_AfterAChunkWasAccepted_DoesNotResendItWithinTheSameCommit()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        await using var service = await StartAsync(receiver.BaseAddress, NewSecret(), maxBatchSize: 2);
        receiver.Answer(200, 500, 200);

        await service.Sink().CommitAsync(Batch("batch-1", 4), Ct);

        var deliveries = receiver.TakeAll();
        Assert.Equal([["1", "2"], ["3", "4"], ["3", "4"]], deliveries.Select(ChangeIds));
        Assert.NotEqual(deliveries[0].WebhookId, deliveries[1].WebhookId);
        Assert.Equal(deliveries[1].WebhookId, deliveries[2].WebhookId);
    }

    [Fact]
    public async Task Commit_OfTheSameBatchAfterARestart_CarriesTheSameIds_AndAnotherBatchOthers()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        var secret = NewSecret();
        receiver.DefaultStatus = 503;
        await using (var first = await StartAsync(receiver.BaseAddress, secret, maxAttempts: 1, maxBatchSize: 2))
        {
            await Assert.ThrowsAsync<SinkUnavailableException>(() => first.Sink().CommitAsync(Batch("batch-1", 4), Ct));
        }

        var failedRound = receiver.TakeAll();
        receiver.DefaultStatus = 200;
        await using var second = await StartAsync(receiver.BaseAddress, secret, maxAttempts: 1, maxBatchSize: 2);
        await second.Sink().CommitAsync(Batch("batch-1", 4), Ct);
        var laterRound = receiver.TakeAll();
        await second.Sink().CommitAsync(Batch("batch-2", 4), Ct);
        var otherBatch = receiver.TakeAll();

        Assert.Single(failedRound);
        Assert.Equal(2, laterRound.Count);
        Assert.Equal(failedRound[0].WebhookId, laterRound[0].WebhookId);
        Assert.Empty(otherBatch.Select(d => d.WebhookId).Intersect(laterRound.Select(d => d.WebhookId)));
    }

    [Fact]
    public async Task Commit_WhenTheReceiverDoesNotAnswerInTime_RetriesTheSameMessage()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        await using var service = await StartAsync(receiver.BaseAddress, NewSecret(), timeout: "00:00:00.300");
        receiver.Hang();

        await service.Sink().CommitAsync(Batch("batch-1", 1), Ct);

        var deliveries = receiver.TakeAll();
        Assert.Equal(2, deliveries.Count);
        Assert.Equal(deliveries[0].WebhookId, deliveries[1].WebhookId);
        Assert.Contains(service.Logs.Of(1504), e => e["ErrorKind"] == "Timeout");
    }

    [Fact]
    public async Task Commit_WhenTheCallerCancels_StopsWithoutRetrying()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        await using var service = await StartAsync(receiver.BaseAddress, NewSecret(), maxAttempts: 5);
        receiver.Hang();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        var commit = service.Sink().CommitAsync(Batch("batch-1", 1), stop.Token);
        await receiver.NextAsync();
        await stop.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => commit);
        Assert.Empty(receiver.TakeAll());
    }

    [Theory]
    [InlineData(302)]
    [InlineData(307)]
    public async Task Commit_WhenTheReceiverRedirects_DoesNotFollowAndCountsItAsAFailure(int status)
    {
        await using var receiver = await HttpReceiver.StartAsync();
        await using var service = await StartAsync(receiver.BaseAddress, NewSecret(), maxAttempts: 2);
        receiver.Redirect(status, new Uri(receiver.BaseAddress, "elsewhere").ToString(), times: 2);

        var error = await Assert.ThrowsAsync<SinkUnavailableException>(() => service.Sink().CommitAsync(Batch("batch-1", 1), Ct));

        Assert.Contains($"HTTP {status}", error.Reason, StringComparison.Ordinal);
        var deliveries = receiver.TakeAll();
        Assert.Equal(2, deliveries.Count);
        Assert.All(deliveries, d => Assert.Equal("/", d.Path));
    }

    [Fact]
    public async Task ForgetPortal_PostsASignedForgetMessage_RetriedWithTheSameId()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        var secret = NewSecret();
        await using var service = await StartAsync(receiver.BaseAddress, secret);
        receiver.Answer(502, 200);

        await service.Sink().ForgetPortalAsync(MemberId, domain: null, Ct);

        var deliveries = receiver.TakeAll();
        Assert.Equal(2, deliveries.Count);
        Assert.Equal(deliveries[0].WebhookId, deliveries[1].WebhookId);
        Assert.All(deliveries, d => Assert.True(StandardWebhook.SignatureIsValid(d, secret)));
        var expected = JsonNode.Parse($$$"""{"type":"bitrix24.portal.forget","portal":{"memberId":"{{{MemberId}}}"}}""");
        Assert.True(JsonNode.DeepEquals(expected, JsonNode.Parse(deliveries[1].Body)), deliveries[1].Body);
    }

    /// <summary>A loopback port nothing listens on: it was free a moment ago and is closed again.</summary>
    private static Uri ClosedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return new Uri($"http://127.0.0.1:{port}/");
    }
}
