using System.Globalization;
using Bitrix24OfflineSync.Sinks;
using Bitrix24OfflineSync.TestKit;
using Microsoft.Extensions.Time.Testing;
using static Bitrix24OfflineSync.Tests.Sinks.HttpSinkKit;

namespace Bitrix24OfflineSync.Tests.Sinks;

/// <summary>
/// What the HTTP sink makes of a receiver that refuses: a 4xx about the content is searched for the objects it refuses
/// (the rest delivered, signed, each part with an id of its own that a retry keeps); a receiver that is unwell is
/// retried and the batch waits, however long, with nothing refused.
/// </summary>
public sealed class HttpSinkRefusalTests
{
    private const string Invalid = """{"error":"validation failed","field":"TITLE"}""";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(400)]
    [InlineData(409)]
    [InlineData(413)]
    [InlineData(422)]
    public async Task OneObjectTheReceiverRefuses_IsAnsweredWithItsStatusAndAnswer_AndTheOthersAreDeliveredSigned(int status)
    {
        await using var receiver = await HttpReceiver.StartAsync();
        var secret = NewSecret();
        await using var service = await StartAsync(receiver.BaseAddress, secret);
        receiver.Refuse(r => ChangeIds(r).Contains("8"), status, Invalid);

        var result = await service.Sink().CommitAsync(Batch("batch-1", 30), Ct);

        var refusal = Assert.Single(result.Refused);
        Assert.Equal(new ObjectKey("crm.deal", "8"), refusal.Key);
        Assert.Equal($"HTTP {status}", refusal.Status);
        Assert.Equal(Invalid, refusal.Answer);
        var deliveries = receiver.TakeAll();
        var accepted = deliveries.Where(d => !ChangeIds(d).Contains("8")).ToList();
        Assert.Equal(Enumerable.Range(1, 30).Where(i => i != 8).Select(i => i.ToString(CultureInfo.InvariantCulture)).Order(), accepted.SelectMany(ChangeIds).Order());
        Assert.All(deliveries, d => Assert.True(StandardWebhook.SignatureIsValid(d, secret)));
        // Halves down to the one object: the whole batch, then two parts per level on the way to it.
        Assert.InRange(deliveries.Count, 2, 1 + (2 * (int)Math.Ceiling(Math.Log2(30))));
        // Every part is a message of its own: a receiver deduplicating by id drops none of them.
        Assert.Equal(deliveries.Count, deliveries.Select(d => d.WebhookId).Distinct().Count());
        Assert.Single(deliveries, d => ChangeIds(d) is ["8"]);
    }

    [Fact]
    public async Task TheSameBatchCommittedAgain_SendsOnlyWhatWasRefused_EachRefusedObjectWithTheIdItHadBefore()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        await using var service = await StartAsync(receiver.BaseAddress, NewSecret(), maxBatchSize: 10);
        receiver.Refuse(r => ChangeIds(r).Contains("8") || ChangeIds(r).Contains("17"));

        var first = await service.Sink().CommitAsync(Batch("batch-1", 25), Ct);
        var firstIds = receiver.TakeAll().Select(d => (d.WebhookId, string.Join(',', ChangeIds(d)))).ToList();
        var again = await service.Sink().CommitAsync(Batch("batch-1", 25), Ct);
        var againIds = receiver.TakeAll().Select(d => (d.WebhookId, string.Join(',', ChangeIds(d)))).ToList();
        await service.Sink().CommitAsync(Batch("batch-2", 25), Ct);
        var otherBatch = receiver.TakeAll().Select(d => d.WebhookId).ToList();

        Assert.Equal(["8", "17"], first.Refused.Select(r => r.Key.Id));
        Assert.Equal(["8", "17"], again.Refused.Select(r => r.Key.Id));
        // The objects delivered the first time bring the same states: they are not sent again. The refused ones are
        // split down to themselves again, each alone under the id it had alone before.
        Assert.All(againIds, d => Assert.Subset(new HashSet<string> { "8", "17" }, d.Item2.Split(',').ToHashSet()));
        Assert.Equal(firstIds.Where(d => d.Item2 is "8" or "17"), againIds.Where(d => d.Item2 is "8" or "17"));
        Assert.Empty(otherBatch.Intersect(firstIds.Select(d => d.WebhookId)));
    }

    [Theory]
    [InlineData(500)]
    [InlineData(503)]
    [InlineData(408)]
    [InlineData(429)]
    [InlineData(401)]
    [InlineData(404)]
    public async Task AnAnswerThatIsNoRefusalOfTheContent_IsRetriedWholeAndNeverSplit(int status)
    {
        await using var receiver = await HttpReceiver.StartAsync();
        receiver.DefaultStatus = status;
        await using var service = await StartAsync(receiver.BaseAddress, NewSecret(), maxAttempts: 3);

        await Assert.ThrowsAsync<SinkUnavailableException>(() => service.Sink().CommitAsync(Batch("batch-1", 5), Ct));

        var deliveries = receiver.TakeAll();
        Assert.Equal(3, deliveries.Count);
        Assert.All(deliveries, d => Assert.Equal(5, ChangeIds(d).Count));
        Assert.Single(deliveries.Select(d => d.WebhookId).Distinct());
    }

    [Fact]
    public async Task ARefusalsAnswer_IsKeptToItsFirstKibibyte()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        await using var service = await StartAsync(receiver.BaseAddress, NewSecret());
        receiver.Refuse(_ => true, 422, new string('я', 3000));

        var result = await service.Sink().CommitAsync(Batch("batch-1", 1), Ct);

        Assert.Equal(new string('я', 512), Assert.Single(result.Refused).Answer);
    }

    [Fact]
    public async Task ARefusalWhoseAnswerNeverEnds_IsKeptWithWhatCameOfIt()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        await using var service = await StartAsync(receiver.BaseAddress, NewSecret(), maxAttempts: 1, timeout: "00:00:00.300");
        receiver.Refuse(_ => true, 422, Invalid, thenHang: true);

        var result = await service.Sink().CommitAsync(Batch("batch-1", 1), Ct);

        Assert.Equal(("HTTP 422", Invalid), (Assert.Single(result.Refused).Status, result.Refused[0].Answer));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task AReceiverDownForAMinute_FailsEveryCommitAsUnavailable_RefusesNothing_AndTakesAllOnceBack(bool connectionRefused)
    {
        await using var receiver = await HttpReceiver.StartAsync();
        var clock = new FakeTimeProvider(TestClock.Start);
        var settings = Settings(receiver.BaseAddress, NewSecret(), maxAttempts: 4);
        settings["Sink:RetryBaseDelay"] = "00:00:01";
        settings["Sink:RetryMaxDelay"] = "00:00:05";
        await using var service = await Infrastructure.ServiceHarness.StartAsync(null, settings, time: clock);
        var batch = Batch("batch-1", 30);
        if (connectionRefused)
        {
            await receiver.GoDownAsync();
        }
        else
        {
            receiver.DefaultStatus = 503;
        }

        // The drain commits the batch again after each failed round; the sink's own retries wait on the clock.
        var down = clock.GetUtcNow();
        var failedCommits = 0;
        while (clock.GetUtcNow() - down < TimeSpan.FromMinutes(1))
        {
            var commit = service.Sink().CommitAsync(batch, Ct);
            await Wait.UntilAsync(
                () =>
                {
                    clock.Advance(TimeSpan.FromSeconds(1));
                    return commit.IsCompleted;
                },
                "a commit to the receiver that is down has given up");
            await Assert.ThrowsAsync<SinkUnavailableException>(() => commit);
            failedCommits++;
        }

        if (connectionRefused)
        {
            Assert.Empty(receiver.TakeAll());
            await receiver.ComeBackAsync();
        }
        else
        {
            Assert.Equal(4 * failedCommits, receiver.TakeAll().Count);
            receiver.DefaultStatus = 200;
        }

        var result = await service.Sink().CommitAsync(batch, Ct);

        Assert.True(failedCommits >= 3, $"{failedCommits} commits failed");
        Assert.Empty(result.Refused);
        var delivery = Assert.Single(receiver.TakeAll());
        Assert.Equal(Enumerable.Range(1, 30).Select(i => i.ToString(CultureInfo.InvariantCulture)), ChangeIds(delivery));
    }
}
