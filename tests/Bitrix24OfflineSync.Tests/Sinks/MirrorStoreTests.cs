using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Sinks.Database;
using Bitrix24OfflineSync.Sync.Model;
using Bitrix24OfflineSync.Tests.Infrastructure;

namespace Bitrix24OfflineSync.Tests.Sinks;

public sealed class MirrorStoreTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 22, 10, 0, 0, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ObjectChange State(string title, int modifiedMinute, int fetchedSecond) =>
        new(new ObjectKey("crm.deal", "7"), ChangeAction.Upsert, new JsonObject { ["TITLE"] = title }, T0.AddMinutes(modifiedMinute), T0.AddSeconds(fetchedSecond), ["ONCRMDEALUPDATE"], ["m"]);

    [Fact]
    public async Task AStateFetchedEarlier_NeverReplacesOneFetchedLater()
    {
        await using var service = await ServiceHarness.StartAsync(world: null);
        var mirror = service.Get<IMirrorStore>();

        await mirror.UpsertAsync("p", [State("later", 1, 20)], Ct);
        var changed = await mirror.UpsertAsync("p", [State("earlier", 1, 10)], Ct);

        Assert.Equal(0, changed);
        Assert.Contains("later", (await mirror.FindAsync("p", "crm.deal", "7", Ct))!.State, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AStateModifiedEarlierAtTheSource_NeverReplacesANewerOneEvenIfFetchedLater()
    {
        await using var service = await ServiceHarness.StartAsync(world: null);
        var mirror = service.Get<IMirrorStore>();

        await mirror.UpsertAsync("p", [State("newer", 5, 10)], Ct);
        await mirror.UpsertAsync("p", [State("older", 4, 30)], Ct);

        Assert.Contains("newer", (await mirror.FindAsync("p", "crm.deal", "7", Ct))!.State, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InterleavedCommitsOfOneObject_EndWithTheLatestState()
    {
        await using var service = await ServiceHarness.StartAsync(world: null);
        var mirror = service.Get<IMirrorStore>();
        var states = Enumerable.Range(1, 40).Select(i => State($"v{i}", i, i)).ToList();

        await Task.WhenAll(states.OrderBy(_ => Random.Shared.Next()).Select(s => mirror.UpsertAsync("p", [s], Ct)));

        Assert.Contains("\"v40\"", (await mirror.FindAsync("p", "crm.deal", "7", Ct))!.State, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ATombstoneFetchedLater_ReplacesTheStateAndAnOlderStateDoesNotRevive()
    {
        await using var service = await ServiceHarness.StartAsync(world: null);
        var mirror = service.Get<IMirrorStore>();
        var tombstone = new ObjectChange(new ObjectKey("crm.deal", "7"), ChangeAction.Delete, null, null, T0.AddSeconds(50), ["ONCRMDEALDELETE"], ["d"]);

        await mirror.UpsertAsync("p", [State("alive", 1, 10)], Ct);
        await mirror.UpsertAsync("p", [tombstone], Ct);
        await mirror.UpsertAsync("p", [State("stale", 2, 40)], Ct);

        var row = (await mirror.FindAsync("p", "crm.deal", "7", Ct))!;
        Assert.True(row.Deleted);
        Assert.Null(row.State);
    }
}
