using System.Net;
using Bitrix24OfflineSync.Persistence;
using Bitrix24OfflineSync.TestKit;
using Dapper;
using Bitrix24OfflineSync.Sinks.Database;
using static Bitrix24OfflineSync.Tests.Persistence.MirrorStoreContract;

namespace Bitrix24OfflineSync.Tests.Persistence;

/// <summary>What only PostgreSQL needs: its microsecond times, and readiness that follows the shared database.</summary>
public sealed class PostgresStoreTests() : StoreContract(new PostgresTarget())
{
    [Fact]
    public async Task Times_AreKeptToTheMicrosecondAndTicksWithinOneMicrosecondCompareEqual()
    {
        var mirror = await StoreAsync<IMirrorStore>();
        var fetched = T0.AddTicks(15);

        await mirror.UpsertAsync("m1", [State("7", "first", 1, 0) with { FetchedAt = fetched, ModifiedAt = T0.AddTicks(7) }], null, Ct);

        var row = (await mirror.FindAsync("m1", "crm.deal", "7", Ct))!;
        Assert.Equal((T0.AddTicks(10), T0), (row.FetchedAt, row.ModifiedAt));
        Assert.Equal(0, await mirror.UpsertAsync("m1", [State("7", "a-microsecond-earlier", 1, 0) with { FetchedAt = T0.AddTicks(9), ModifiedAt = T0 }], null, Ct));
        Assert.Equal(1, await mirror.UpsertAsync("m1", [State("7", "same-microsecond", 1, 0) with { FetchedAt = T0.AddTicks(19), ModifiedAt = T0.AddTicks(3) }], null, Ct));
        Assert.Equal("""{"TITLE":"same-microsecond"}""", (await mirror.FindAsync("m1", "crm.deal", "7", Ct))!.State);
    }

    [Fact]
    public async Task APooledConnection_GoesBackWithoutAReset_AndATransactionLeftOpenIsRolledBack()
    {
        var service = await StartServiceAsync();
        var database = service.Get<ISqlDatabase>();
        await database.ExecuteAsync("CREATE TABLE probe (id int);", null, Ct);

        // A turn opens a connection for each read and write: none costs a DISCARD ALL (the service keeps no session
        // state), so a connection met again still has the mark it was given; reset, none ever would.
        await Wait.UntilAsync(
            () => database.RunAsync(
                async connection =>
                {
                    if (await connection.ExecuteScalarAsync<string>("SELECT current_setting('application_name');") == "b24sync-pool-probe")
                    {
                        return true;
                    }

                    await connection.ExecuteAsync("SET application_name = 'b24sync-pool-probe';");
                    return false;
                },
                Ct),
            "a connection comes back from the pool with its session as it was left");

        // What a failed caller left in a transaction never reaches the next one.
        await database.RunAsync(
            async connection =>
            {
                var transaction = await connection.BeginTransactionAsync(Ct);
                return await connection.ExecuteAsync("INSERT INTO probe VALUES (1);", transaction: transaction);
            },
            Ct);
        Assert.Equal(0L, await database.ScalarAsync("SELECT COUNT(*) FROM probe;", null, Ct));
    }

    [Fact]
    public async Task TimesInAnotherOffset_AreStoredAsTheSameInstant()
    {
        var mirror = await StoreAsync<IMirrorStore>();
        var local = T0.ToOffset(TimeSpan.FromHours(3));

        await mirror.UpsertAsync("m1", [State("7", "first", 1, 0) with { FetchedAt = local, ModifiedAt = local }], null, Ct);

        var row = (await mirror.FindAsync("m1", "crm.deal", "7", Ct))!;
        Assert.Equal((T0, T0), (row.FetchedAt, row.ModifiedAt!.Value));
        Assert.Equal(TimeSpan.Zero, row.FetchedAt.Offset);
    }

    [Fact]
    public async Task Readiness_FailsWhenTheDatabaseIsGone()
    {
        var service = await StartServiceAsync();
        Assert.Equal(HttpStatusCode.OK, (await service.Http.GetAsync(new Uri("health/ready", UriKind.Relative), Ct)).StatusCode);

        await ((PostgresTarget)Target).DropAsync();

        // Readiness keeps the database's answer for a moment (DatabaseHealthCheck.Fresh): it turns once that has passed.
        await Wait.UntilAsync(
            async () =>
            {
                using var ready = await service.Http.GetAsync(new Uri("health/ready", UriKind.Relative), Ct);
                return ready.StatusCode == HttpStatusCode.ServiceUnavailable;
            },
            "readiness reports the dropped database");
    }
}
