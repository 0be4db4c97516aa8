using Serilog;
using Serilog.Formatting.Json;

namespace Bitrix24OfflineSync.Hosting;

/// <summary>Serilog is configured here and in appsettings only; the rest of the code logs through <see cref="ILogger{T}"/>.</summary>
internal static class SerilogSetup
{
    public static Serilog.ILogger CreateBootstrapLogger() =>
        new LoggerConfiguration()
            .WriteTo.Console(new JsonFormatter(renderMessage: true))
            .CreateLogger();

    public static WebApplicationBuilder AddSerilogLogging(this WebApplicationBuilder builder)
    {
        var logger = new LoggerConfiguration()
            .ReadFrom.Configuration(builder.Configuration)
            .Enrich.FromLogContext()
            .WriteTo.Console(new JsonFormatter(renderMessage: true))
            .CreateLogger();

        builder.Logging.ClearProviders();
        // Serilog's MinimumLevel section decides what is written; the Microsoft.Extensions.Logging filter lets everything through.
        builder.Logging.SetMinimumLevel(LogLevel.Trace);
        builder.Logging.AddSerilog(logger, dispose: true);
        return builder;
    }
}
