using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Bitrix24OfflineSync.Emulator.Tests.Cloud;

public sealed class CloudProfileSettingsTests
{
    [Fact]
    public void TheStandaloneEmulator_ReadsTheCloudProfile_FromItsSettings()
    {
        var options = Resolve(new()
        {
            ["Emulator:Cloud:Enabled"] = "true",
            ["Emulator:Cloud:RoundTrip"] = "00:00:00.300",
            ["Emulator:Cloud:ListAllFields"] = "00:00:00.200",
            ["Emulator:Cloud:CostPerMethod:crm.deal.list"] = "00:00:01",
        });

        Assert.True(options.Cloud.Enabled);
        Assert.Equal(TimeSpan.FromMilliseconds(300), options.Cloud.RoundTrip);
        Assert.Equal(TimeSpan.FromMilliseconds(200), options.Cloud.ListAllFields);
        Assert.Equal(TimeSpan.FromSeconds(1), options.Cloud.CostPerMethod["crm.deal.list"]);
        Assert.Equal(TimeSpan.FromMilliseconds(20), options.Cloud.Get);
    }

    [Fact]
    public void ANegativeCost_IsRefusedAtStart_NamingTheKey()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Resolve(new() { ["Emulator:Cloud:Get"] = "-00:00:01" }));

        Assert.Contains(error.Failures, f => f.Contains("Emulator:Cloud:Get", StringComparison.Ordinal));
    }

    private static EmulatorOptions Resolve(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        using var services = new ServiceCollection().AddEmulatorSettings(configuration).BuildServiceProvider();
        return services.GetRequiredService<IOptions<EmulatorOptions>>().Value;
    }
}
