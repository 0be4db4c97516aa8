using System.Net;

namespace Bitrix24OfflineSync.Tests.Persistence;

/// <summary>The schema is created at start, once, however many instances start at once on an empty database.</summary>
public abstract class SchemaMigrationContract(StoreTarget target) : StoreContract(target)
{
    [Fact]
    public async Task ThreeInstancesStartingAtOnceOnAnEmptyDatabase_AllStartAndTheSchemaIsMigratedOnce()
    {
        var services = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => StartServiceAsync()));

        Assert.Equal(Target.SchemaVersions, await Target.ScalarAsync("SELECT COUNT(*) FROM schema_migrations"));
        Assert.Equal(Target.SchemaVersions, await Target.ScalarAsync("SELECT MAX(version) FROM schema_migrations"));
        Assert.Single(services.SelectMany(s => s.Logs.Of(1102)));
        foreach (var service in services)
        {
            Assert.Equal(HttpStatusCode.OK, (await service.Http.GetAsync(new Uri("health/ready", UriKind.Relative), Ct)).StatusCode);
        }
    }

    [Fact]
    public async Task AnInstanceStartingOnAMigratedDatabase_MigratesNothing()
    {
        await StartServiceAsync();

        var later = await StartServiceAsync();

        Assert.Empty(later.Logs.Of(1102));
        Assert.Equal(Target.SchemaVersions, await Target.ScalarAsync("SELECT COUNT(*) FROM schema_migrations"));
    }

    /// <summary>
    /// The version before the one that brings the plan's check time and the reservation note (5 on SQLite, 4 on
    /// PostgreSQL) was released twice: first without them, later with both. A database left at either comes to the
    /// current schema, its rows kept.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ADatabaseAtThePreviousVersion_AsEitherReleaseLeftIt_ComesToTheCurrentSchema_KeepingItsRows(bool laterRelease)
    {
        var previous = Target.Scripts.ToList().FindIndex(s => s.Contains("CREATE TABLE IF NOT EXISTS drain_reserving", StringComparison.Ordinal));
        Assert.True(previous > 0, "the version that brings the plan's check time is among the scripts");
        await Target.SettingsAsync();
        foreach (var script in Target.Scripts.Take(previous))
        {
            await Target.ScalarAsync(script);
        }

        if (laterRelease)
        {
            await Target.ScalarAsync(
                $"""
                ALTER TABLE portal_sync ADD COLUMN plan_checked_at {Target.TimeType} NULL;
                CREATE TABLE drain_reserving (member_id text PRIMARY KEY, since {Target.TimeType} NOT NULL);
                INSERT INTO drain_reserving (member_id, since) VALUES ('m1', '2026-11-30T00:00:00Z');
                """);
        }

        await Target.ScalarAsync(
            $"""
            CREATE TABLE schema_migrations (version integer PRIMARY KEY, applied_at {Target.TimeType} NOT NULL);
            INSERT INTO schema_migrations (version, applied_at) VALUES {string.Join(", ", Enumerable.Range(1, previous).Select(v => $"({v}, '2026-11-29T00:00:00Z')"))};
            INSERT INTO portal_sync (member_id, last_backlog, registered_at) VALUES ('m1', 7, '2026-11-29T00:00:00Z');
            """);

        var service = await StartServiceAsync();

        Assert.Equal(Target.SchemaVersions, await Target.ScalarAsync("SELECT MAX(version) FROM schema_migrations"));
        Assert.Equal(7, await Target.ScalarAsync("SELECT last_backlog FROM portal_sync WHERE member_id = 'm1' AND registered_at IS NOT NULL"));
        Assert.Equal(0, await Target.ScalarAsync("SELECT COUNT(plan_checked_at) FROM portal_sync"));
        Assert.Equal(laterRelease ? 1 : 0, await Target.ScalarAsync("SELECT COUNT(*) FROM drain_reserving"));
        Assert.Equal(HttpStatusCode.OK, (await service.Http.GetAsync(new Uri("health/ready", UriKind.Relative), Ct)).StatusCode);
    }

    /// <summary>
    /// The version that turns the state into jsonb on PostgreSQL converts every row, a NUL-bearing one too (jsonb
    /// refuses a NUL inside a string): such a state keeps its exact text, and the mirror reads every state back as it was.
    /// </summary>
    [Fact]
    public async Task MirrorStatesWrittenBeforeTheJsonState_AreConverted_AndEachReadsBackAsItWas()
    {
        var before = Target.Scripts.ToList().FindIndex(s => s.Contains("ADD COLUMN state_exact", StringComparison.Ordinal));
        Assert.True(before > 0, "a version adds the exact state");
        await Target.SettingsAsync();
        foreach (var script in Target.Scripts.Take(before))
        {
            await Target.ScalarAsync(script);
        }

        string[] states =
        [
            """{"ID":"1","TITLE":"plain","OPPORTUNITY":"1.50"}""",
            """{"ID":"2","TITLE":"nul \u0000 inside","\u0000KEY":"v"}""",
            """{"ID":"3","TITLE":"\\u0000 is text"}""",
            """{"ID":"4","TITLE":"\u0416\u0435\u043b\u0442\u044b\u0439"}""",
        ];
        await Target.ScalarAsync(
            $"""
            CREATE TABLE schema_migrations (version integer PRIMARY KEY, applied_at {Target.TimeType} NOT NULL);
            INSERT INTO schema_migrations (version, applied_at) VALUES {string.Join(", ", Enumerable.Range(1, before).Select(v => $"({v}, '2026-11-29T00:00:00Z')"))};
            INSERT INTO mirror (member_id, entity, entity_id, state, deleted, modified_at, fetched_at, synced_at, events, origin, entity_num) VALUES
            {string.Join(",\n", states.Select((state, i) => $"('m1', 'crm.deal', '{i + 1}', '{state}', {(Target is PostgresTarget ? "false" : "0")}, NULL, '2026-11-29T00:00:00Z', '2026-11-29T00:00:00Z', '', 'event', {i + 1})"))},
            ('m1', 'crm.deal', '5', NULL, {(Target is PostgresTarget ? "true" : "1")}, NULL, '2026-11-29T00:00:00Z', '2026-11-29T00:00:00Z', '', 'event', 5);
            """);

        var service = await StartServiceAsync();
        var mirror = service.Get<Bitrix24OfflineSync.Sinks.Database.IMirrorStore>();

        var rows = await mirror.ListAsync("m1", Ct);
        Assert.Equal(5, rows.Count);
        Assert.Equal(states[1], rows.Single(r => r.EntityId == "2").State);
        foreach (var (state, i) in states.Select((s, i) => (s, i)).Where(p => p.i != 1))
        {
            Assert.True(System.Text.Json.Nodes.JsonNode.DeepEquals(System.Text.Json.Nodes.JsonNode.Parse(state), System.Text.Json.Nodes.JsonNode.Parse(rows.Single(r => r.EntityId == $"{i + 1}").State!)), state);
        }

        Assert.Null(rows.Single(r => r.EntityId == "5").State);
        Assert.Equal(1, await Target.ScalarAsync("SELECT COUNT(*) FROM mirror WHERE state_exact IS NOT NULL"));
        Assert.Equal(Target.SchemaVersions, await Target.ScalarAsync("SELECT MAX(version) FROM schema_migrations"));
    }
}
