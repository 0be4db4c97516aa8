using Bitrix24OfflineSync.Tests.Infrastructure;

namespace Bitrix24OfflineSync.Tests.Persistence;

/// <summary>Wrong PostgreSQL settings stop the start with a message naming the key (no server needed).</summary>
public sealed class PostgresSettingsTests
{
    private const string Key = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

    [Fact]
    public async Task WithoutAConnectionString_TheStartStopsNamingIt()
    {
        var error = Assert.IsType<InvalidOperationException>(await ServiceHarness.StartFailureAsync(
            new Dictionary<string, string?> { ["Storage:Provider"] = "Postgres", ["Storage:EncryptionKey"] = Key }));

        Assert.Contains("ConnectionStrings:Sync", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithAMalformedConnectionString_TheStartStopsNamingItWithoutEchoingIt()
    {
        var error = Assert.IsType<InvalidOperationException>(await ServiceHarness.StartFailureAsync(
            new Dictionary<string, string?>
            {
                ["Storage:Provider"] = "Postgres",
                ["Storage:EncryptionKey"] = Key,
                ["ConnectionStrings:Sync"] = "Host=db;Password=hunter2;Bogus=1",
            }));

        Assert.Contains("ConnectionStrings:Sync", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithoutAnEncryptionKey_TheStartStopsNamingIt()
    {
        var error = Assert.IsType<InvalidOperationException>(await ServiceHarness.StartFailureAsync(
            new Dictionary<string, string?>
            {
                ["Storage:Provider"] = "Postgres",
                ["ConnectionStrings:Sync"] = "Host=127.0.0.1;Port=1;Database=none",
            }));

        Assert.Contains("Storage:EncryptionKey", error.Message, StringComparison.Ordinal);
    }
}
