using Bitrix24OfflineSync.Sinks;
using Bitrix24OfflineSync.Sinks.Database;
using Bitrix24OfflineSync.Sinks.Http;
using Bitrix24OfflineSync.Tests.Persistence;
using static Bitrix24OfflineSync.Tests.Persistence.MirrorStoreContract;

namespace Bitrix24OfflineSync.Tests.Sinks;

/// <summary>
/// What a sink holds, as a drift check reads it by entity and id range: the database mirror, and the HTTP sink's index
/// of what it delivered. Both keep the newest modification time and know tombstones.
/// </summary>
public abstract class SinkIndexContract(StoreTarget target) : StoreContract(target)
{
    [Fact]
    public async Task TheMirror_AnswersARangeOfAnEntityByNumericId()
    {
        var service = await StartServiceAsync();
        var mirror = service.Get<IMirrorStore>();
        await mirror.UpsertAsync("m1", [State("9", "nine", 1, 10), State("10", "ten", 2, 10), State("100", "hundred", 3, 10), Tombstone("11"), Contact("10")], null, Ct);
        await mirror.UpsertAsync("m2", [State("10", "other portal", 1, 10)], null, Ct);

        var range = await service.Get<SqlMirrorStore>().RangeAsync("m1", "crm.deal", 9, 100, Ct);

        Assert.Equal(
            [new IndexEntry(10, T0.AddMinutes(2), false), new IndexEntry(11, null, true), new IndexEntry(100, T0.AddMinutes(3), false)],
            range.OrderBy(e => e.Id));
    }

    [Fact]
    public async Task TheDeliveredIndex_KeepsTheNewestOfWhatWasDeliveredAndForgetsAPortal()
    {
        var service = await StartServiceAsync();
        var index = new DeliveredIndex(service.Get<Bitrix24OfflineSync.Persistence.ISqlDatabase>());
        await index.RecordAsync("m1", [State("7", "new", 5, 10), State("8", "x", 1, 10), Contact("7")], Ct);
        await index.RecordAsync("m1", [State("7", "older", 2, 20), Tombstone("8")], Ct);
        await index.RecordAsync("m2", [State("7", "other portal", 1, 10)], Ct);

        var deals = await index.RangeAsync("m1", "crm.deal", 0, 1000, Ct);
        await index.ForgetAsync("m1", Ct);

        Assert.Equal([new IndexEntry(7, T0.AddMinutes(5), false), new IndexEntry(8, null, true)], deals.OrderBy(e => e.Id));
        Assert.Empty(await index.RangeAsync("m1", "crm.deal", 0, 1000, Ct));
        Assert.Single(await index.RangeAsync("m2", "crm.deal", 0, 1000, Ct));
    }

    [Fact]
    public async Task BothIndexes_CountPerPortalTheObjectsHeldNow_TombstonesLeftOut()
    {
        var service = await StartServiceAsync();
        var mirror = service.Get<IMirrorStore>();
        var delivered = new DeliveredIndex(service.Get<Bitrix24OfflineSync.Persistence.ISqlDatabase>());
        foreach (var write in new Func<string, IReadOnlyList<ObjectChange>, Task>[] { (m, c) => mirror.UpsertAsync(m, c, null, Ct), (m, c) => delivered.RecordAsync(m, c, Ct) })
        {
            await write("m1", [State("1", "one", 1, 10), State("2", "two", 1, 10), Contact("1")]);
            // Written again and again: an object is held once however often it changed.
            await write("m1", [State("1", "one again", 2, 20), State("1", "and again", 3, 30), Tombstone("2")]);
            await write("m2", [Tombstone("5")]);
        }

        var counts = new[] { await service.Get<SqlMirrorStore>().HeldCountsAsync(Ct), await delivered.HeldCountsAsync(Ct) };

        Assert.All(counts, c => Assert.Equal(new Dictionary<string, long> { ["m1"] = 2 }, c));
    }

    private static ObjectChange Tombstone(string id) => new(new ObjectKey("crm.deal", id), ChangeAction.Delete, null, null, T0.AddSeconds(30), ["ONCRMDEALDELETE"], []);

    private static ObjectChange Contact(string id) => State(id, "contact", 1, 10) with { Key = new ObjectKey("crm.contact", id) };
}
