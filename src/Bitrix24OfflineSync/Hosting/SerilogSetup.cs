using Bitrix24OfflineSync.Telemetry;
using Bitrix24OfflineSync.Webhooks;
using Serilog;
using Serilog.Events;
using Serilog.Formatting.Compact;
using Serilog.Templates;
using Serilog.Templates.Themes;

namespace Bitrix24OfflineSync.Hosting;

/// <summary>
/// Serilog, hosted as Serilog.AspNetCore intends: a bootstrap logger until the host is built, then the service's
/// logger from configuration (<c>Serilog</c> section), and one completion event per HTTP request. Production writes
/// compact JSON (CLEF), one event per line; Development writes a readable console. The rest of the code logs through
/// <see cref="ILogger{T}"/>.
/// </summary>
internal static class SerilogSetup
{
    /// <summary>The category of ASP.NET Core's own per-request events.</summary>
    private const string HostingDiagnostics = "Microsoft.AspNetCore.Hosting.Diagnostics";

    /// <summary>The readable console: time, level, the event id (as the docs name events), category, message.</summary>
    private const string ReadableTemplate = "[{@t:HH:mm:ss} {@l:u3}] {#if EventId.Id is not null}{EventId.Id} {#end}{SourceContext}: {@m}\n{@x}";

    /// <summary>Logs what happens before the host is built (a bad setting, a failed start) in the same CLEF lines.</summary>
    public static Serilog.ILogger CreateBootstrapLogger() =>
        new LoggerConfiguration().WriteTo.Console(new RenderedCompactJsonFormatter()).CreateBootstrapLogger();

    public static WebApplicationBuilder AddServiceLogging(this WebApplicationBuilder builder)
    {
        // Serilog writes the console; the framework's own console provider would write every event twice.
        builder.Logging.ClearProviders();
        builder.Services.AddSerilog(
            (services, logger) =>
            {
                var configuration = services.GetRequiredService<IConfiguration>();
                var readable = services.GetRequiredService<IHostEnvironment>().IsDevelopment();
                // Operator commands print their answers on standard output, so their logs go to standard error.
                var toStandardError = configuration.GetValue<bool>("Serilog:ToStandardError") ? LogEventLevel.Verbose : (LogEventLevel?)null;
                logger.ReadFrom.Configuration(configuration)
                    .ReadFrom.Services(services)
                    .Enrich.FromLogContext()
                    // The completion event of UseServiceRequestLogging replaces the hosting's own request events. Off
                    // entirely (Serilog's factory serves every category, so this is where it is said), the hosting
                    // also skips the logging scope and the activity it would otherwise make for every request.
                    .MinimumLevel.Override(HostingDiagnostics, LevelAlias.Off);
                if (readable)
                {
                    var template = new ExpressionTemplate(ReadableTemplate, System.Globalization.CultureInfo.InvariantCulture, theme: TemplateTheme.Literate);
                    logger.WriteTo.Console(template, standardErrorFromLevel: toStandardError);
                }
                else
                {
                    logger.WriteTo.Console(new RenderedCompactJsonFormatter(), standardErrorFromLevel: toStandardError);
                }
            },
            // Each host has its own logger; the static one stays the bootstrap logger of Program.cs.
            preserveStaticLogger: true,
            // Other logger providers registered by the host (tests' collectors) receive the same events.
            writeToProviders: true);
        return builder;
    }

    /// <summary>
    /// One event per request: method, path, status, elapsed. For Bitrix24's POSTs also the event name and the member
    /// id (clipped; never a token). Server errors are logged at Error; health probes, scrapes and accepted doorbells
    /// (thousands a minute across a fleet, each counted in <c>b24sync_doorbells_total</c>) at Debug; the rest, refused
    /// doorbells, installs and uninstalls among it, at Information.
    /// </summary>
    public static IApplicationBuilder UseServiceRequestLogging(this IApplicationBuilder app) =>
        app.UseSerilogRequestLogging(options =>
        {
            // The host's logger, with the configured levels and sinks: the static one is only the bootstrap logger.
            options.Logger = app.ApplicationServices.GetRequiredService<Serilog.ILogger>();
            options.GetLevel = (context, _, error) =>
                error is not null || context.Response.StatusCode >= 500 ? LogEventLevel.Error
                : TelemetryExtensions.IsOperational(context.Request.Path) || IsAcceptedDoorbell(context) ? LogEventLevel.Debug
                : LogEventLevel.Information;
            options.EnrichDiagnosticContext = (diagnostics, context) =>
            {
                if (EventRequest.Read(context) is { } received)
                {
                    diagnostics.Set("EventName", received.ClippedEventName);
                    diagnostics.Set("MemberId", received.ClippedMemberId);
                }
            };
        });

    private static bool IsAcceptedDoorbell(HttpContext context) =>
        context.Response.StatusCode == StatusCodes.Status200OK && EventRequest.Read(context)?.EventName == "ONOFFLINEEVENT";
}
