using Bitrix24OfflineSync.Bitrix;
using Bitrix24OfflineSync.Persistence;
using Bitrix24OfflineSync.Portals;
using Bitrix24OfflineSync.Registration;
using Bitrix24OfflineSync.Security;
using Bitrix24OfflineSync.Sinks;
using Bitrix24OfflineSync.Sync;
using Bitrix24OfflineSync.Telemetry;
using Bitrix24OfflineSync.Webhooks;
using Bitrix24OfflineSync.Writes;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Bitrix24OfflineSync.Hosting;

/// <summary>The service's table of contents: one line per feature. Program.cs runs it; tests start it through WebApplicationFactory.</summary>
internal static class SyncServiceApp
{
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(Options(args));
        configure?.Invoke(builder);
        builder.AddServiceLogging();
        builder.AddTelemetry();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddProblemDetails();
        builder.Services.AddHealth();
        builder.Services.AddServerLimits(builder.Configuration);
        builder.Services.AddProxySupport(builder.Configuration);
        builder.Services.AddBitrix24(builder.Configuration);
        // The key is checked before the schema: a missing key stops the start without a database to reach.
        builder.Services.AddSecurity();
        builder.Services.AddPersistence(builder.Configuration);
        builder.Services.AddPortals();
        builder.Services.AddWebhooks(builder.Configuration);
        builder.Services.AddRegistration();
        builder.Services.AddSinks(builder.Configuration);
        builder.Services.AddSync(builder.Configuration);
        builder.Services.AddWrites(builder.Configuration);

        var app = builder.Build();
        app.UseProxySupport();
        app.UseServiceRequestLogging();
        app.UseManagementAddress();
        app.MapHealth();
        app.MapBitrixEvents();
        app.MapWrites();
        return app;
    }

    /// <summary>
    /// The service behaves the same wherever it is started: its content root (where <c>appsettings.json</c> is read and
    /// against which relative paths such as <c>Storage:DataDirectory</c> resolve) is the application's folder unless
    /// one is given (<c>--contentRoot</c>, <c>ASPNETCORE_CONTENTROOT</c>, <c>DOTNET_CONTENTROOT</c>), never the working
    /// directory. Configuration files are read once: no file watcher is set up, so none can come to watch a folder the
    /// service did not choose (one on "/" costs seconds at start and sees every file written).
    /// </summary>
    private static WebApplicationOptions Options(string[] args)
    {
        var given = new ConfigurationBuilder()
            .AddEnvironmentVariables("DOTNET_")
            .AddEnvironmentVariables("ASPNETCORE_")
            .AddCommandLine(args)
            .Build()[HostDefaults.ContentRootKey];
        return new WebApplicationOptions
        {
            Args = [.. args, "--hostBuilder:reloadConfigOnChange=false"],
            ContentRootPath = string.IsNullOrEmpty(given) ? AppContext.BaseDirectory : null,
        };
    }
}
