using Serilog;
using Serilog.Events;
using Serilog.Formatting.Json;

namespace Bitrix24OfflineSync.Hosting;

/// <summary>Serilog is configured here and in appsettings only; the rest of the code logs through <see cref="ILogger{T}"/>.</summary>
internal static class SerilogSetup
{
    public static Serilog.ILogger CreateBootstrapLogger() =>
        new LoggerConfiguration()
            .WriteTo.Console(new JsonFormatter(renderMessage: true))
            .CreateLogger();

    /// <param name="builder">The application being built.</param>
    /// <param name="copyTo">A second writer that receives the same JSON lines (tests read every line the service writes).</param>
    public static WebApplicationBuilder AddSerilogLogging(this WebApplicationBuilder builder, TextWriter? copyTo = null)
    {
        // Operator commands print their answers on standard output, so their logs go to standard error.
        var toStandardError = builder.Configuration.GetValue<bool>("Serilog:ToStandardError");
        var configuration = new LoggerConfiguration()
            .ReadFrom.Configuration(builder.Configuration)
            .Enrich.FromLogContext()
            .WriteTo.Console(new JsonFormatter(renderMessage: true), standardErrorFromLevel: toStandardError ? LogEventLevel.Verbose : null);
        if (copyTo is not null)
        {
            configuration = configuration.WriteTo.Sink(new TextWriterSink(new JsonFormatter(renderMessage: true), copyTo));
        }

        var logger = configuration.CreateLogger();

        builder.Logging.ClearProviders();
        // Serilog's MinimumLevel section decides what is written; the Microsoft.Extensions.Logging filter lets everything through.
        builder.Logging.SetMinimumLevel(LogLevel.Trace);
        builder.Logging.AddSerilog(logger, dispose: true);
        return builder;
    }
}
