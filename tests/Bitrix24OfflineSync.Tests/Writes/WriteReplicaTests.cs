using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;

namespace Bitrix24OfflineSync.Tests.Writes;

/// <summary>
/// Two replicas on one PostgreSQL database, both taking one portal's writes: whichever holds the portal's lease applies
/// them, and every write is applied exactly once. Skipped, with the reason, without <c>B24SYNC_TEST_POSTGRES</c>.
/// </summary>
public sealed class WriteReplicaTests
{
    [Fact]
    public async Task TwoReplicasTakingOnePortalsWrites_ApplyEachExactlyOnce_InTheOrderOfAcceptancePerObject()
    {
        _ = Persistence.PostgresTarget.Server;
        await using var kit = await WriteKit.StartAsync(postgres: true);
        var portal = await kit.InstallAsync();
        var (_, apiB) = await kit.StartReplicaAsync();
        using (apiB)
        {
            var apis = new[] { kit.Api, apiB };
            const int Creates = 60;
            for (var i = 0; i < Creates; i += 5)
            {
                var writes = Enumerable.Range(i, 5)
                    .Select(n => WriteKit.Write($"r-{n}", "crm.deal", "create", fields: new JsonObject { ["TITLE"] = $"Deal {n}" }))
                    .ToArray();
                using var answer = await kit.PostAsync(apis[i / 5 % 2], portal.MemberId, writes);
                Assert.Equal(HttpStatusCode.Accepted, answer.StatusCode);
            }

            var ids = new List<string>();
            for (var n = 0; n < Creates; n++)
            {
                ids.Add((await kit.FinalAsync(portal.MemberId, $"r-{n}"))["id"]!.GetValue<string>());
            }

            // Three updates of one object through both replicas: the last accepted is what the portal keeps.
            for (var n = 0; n < 3; n++)
            {
                using var answer = await kit.PostAsync(apis[n % 2], portal.MemberId, WriteKit.Write($"u-{n}", "crm.deal", "update", ids[0], new JsonObject { ["TITLE"] = $"Version {n}" }));
                Assert.Equal(HttpStatusCode.Accepted, answer.StatusCode);
            }

            for (var n = 0; n < 3; n++)
            {
                Assert.Equal("applied", (await kit.FinalAsync(portal.MemberId, $"u-{n}"))["status"]!.GetValue<string>());
            }

            var deals = portal.Crm.Snapshot(Emulator.Crm.CrmEntityType.Deal);
            Assert.Equal(Creates, deals.Count);
            Assert.Equal(Creates, deals.Select(d => d["ORIGIN_ID"]!.GetValue<string>()).Distinct(StringComparer.Ordinal).Count());
            Assert.Equal(Creates, ids.Distinct(StringComparer.Ordinal).Count());
            Assert.Equal("Version 2", deals.Single(d => d["ID"]!.GetValue<string>() == ids[0])["TITLE"]!.GetValue<string>());
            var row = await kit.Mirror.FindAsync(portal.MemberId, "crm.deal", ids[0], TestContext.Current.CancellationToken);
            Assert.Equal("u-2", row?.WriteKey);
            Assert.All(ids, id => Assert.True(long.Parse(id, CultureInfo.InvariantCulture) > 0));
        }
    }
}
