using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Bitrix24OfflineSync.Telemetry;

/// <summary>
/// OpenTelemetry for the whole service: the service's meter and activity source, ASP.NET Core, HttpClient, the
/// resilience library and the runtime; metrics in Prometheus's exposition at the management address, traces by OTLP
/// when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set.
/// </summary>
internal static class TelemetryExtensions
{
    /// <summary>Meters of libraries whose tags name the remote host (one value per portal), and the tags kept of them.</summary>
    private static readonly Dictionary<string, string[]> HostTaggedMeters = new(StringComparer.Ordinal)
    {
        ["System.Net.Http"] = ["http.request.method", "http.response.status_code", "error.type", "network.protocol.version", "url.scheme"],
        ["System.Net.NameResolution"] = ["error.type"],
        // The per-portal circuit breaker keys each pipeline by member id, which Polly reports as pipeline.instance.
        ["Polly"] = ["event.name", "event.severity", "pipeline.name", "strategy.name", "attempt.number", "attempt.handled", "exception.type", "error.type", "request.name", "request.dependency.name"],
    };

    /// <summary>
    /// Per-request instruments that tell nothing the request duration histogram does not (its count is the rate; every
    /// request here answers in milliseconds): not collected, so the doorbell does not pay for them on every request.
    /// </summary>
    private static readonly string[] DroppedInstruments = ["http.server.active_requests", "aspnetcore.routing.match_attempts"];

    public static WebApplicationBuilder AddTelemetry(this WebApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(MetricsOptions.Section);
        builder.Services.AddOptions<MetricsOptions>().Bind(section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<MetricsOptions>, MetricsOptionsValidator>();
        builder.Services.AddSingleton<PortalTags>();
        var settings = section.Get<MetricsOptions>() ?? new MetricsOptions();
        var management = ManagementAddress.Parse(settings.Urls);
        if (management is not null)
        {
            ManagementAddress.Listen(builder, management);
        }

        var otlp = !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        // What spans are made, for whichever tracer provider the host has: none unless traces are exported, so a
        // service that exports none creates no activity at all.
        builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing
            .AddSource(ServiceTelemetry.Name)
            .AddAspNetCoreInstrumentation(o => o.Filter = context => !IsOperational(context.Request.Path))
            .AddHttpClientInstrumentation(o => o.FilterHttpRequestMessage = ServiceTelemetry.IsTraced));
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(ServiceTelemetry.Name))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(ServiceTelemetry.Name)
                    .AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation()
                    .AddRuntimeInstrumentation()
                    .AddMeter("Polly");
                foreach (var instrument in DroppedInstruments)
                {
                    metrics.AddView(instrument, MetricStreamConfiguration.Drop);
                }

                if (!settings.PerPortal)
                {
                    metrics.AddView(instrument => HostTaggedMeters.TryGetValue(instrument.Meter.Name, out var kept)
                        ? new MetricStreamConfiguration { TagKeys = kept }
                        : null);
                }

                if (management is not null)
                {
                    metrics.AddPrometheusExporter();
                }
            });
        if (otlp)
        {
            telemetry.WithTracing(tracing => tracing.AddOtlpExporter());
        }

        return builder;
    }

    /// <summary>
    /// On the management address: <c>/metrics</c>, the health endpoints and the management API (<c>/api/*</c>, whose
    /// endpoints answer only there: <see cref="IsManagementRequest"/>), nothing else. Elsewhere <c>/metrics</c> is not
    /// mapped at all, so the public URLs answer it with 404.
    /// </summary>
    public static IApplicationBuilder UseManagementAddress(this IApplicationBuilder app)
    {
        var settings = app.ApplicationServices.GetRequiredService<IOptions<MetricsOptions>>().Value;
        if (ManagementAddress.Parse(settings.Urls) is not { } management)
        {
            return app;
        }

        app.UseOpenTelemetryPrometheusScrapingEndpoint(
            meterProvider: null,
            predicate: context => context.Connection.LocalPort == management.Port && context.Request.Path == "/metrics",
            path: null,
            configureBranchedPipeline: null,
            optionsName: null);
        return app.Use((context, next) =>
        {
            if (context.Connection.LocalPort == management.Port && !context.Request.Path.StartsWithSegments("/health") && !context.Request.Path.StartsWithSegments("/api"))
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            }

            return next(context);
        });
    }

    /// <summary>Whether the request came in on the management address (never true when there is none).</summary>
    public static bool IsManagementRequest(HttpContext context) =>
        ManagementAddress.Parse(context.RequestServices.GetRequiredService<IOptions<MetricsOptions>>().Value.Urls) is { } management &&
        context.Connection.LocalPort == management.Port;

    /// <summary>Health probes and scrapes: frequent, uninteresting one by one.</summary>
    public static bool IsOperational(PathString path) => path.StartsWithSegments("/health") || path.StartsWithSegments("/metrics");

    private sealed class MetricsOptionsValidator : IValidateOptions<MetricsOptions>
    {
        public ValidateOptionsResult Validate(string? name, MetricsOptions options) =>
            ManagementAddress.Problem(options.Urls) is { } problem
                ? ValidateOptionsResult.Fail($"Metrics:Urls: {problem}")
                : ValidateOptionsResult.Success;
    }
}
