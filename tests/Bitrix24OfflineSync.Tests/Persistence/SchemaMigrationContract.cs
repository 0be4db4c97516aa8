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
}
