using Bitrix24OfflineSync.Bitrix;

namespace Bitrix24OfflineSync.Webhooks;

/// <summary>
/// <c>POST /bitrix24/events</c>: ONAPPINSTALL, ONAPPUNINSTALL, ONOFFLINEEVENT; anything else is acknowledged and ignored.
/// A plain request delegate over the singleton handlers: a doorbell (thousands a minute across a fleet) is answered
/// without a request scope, a result object or a logger made for it; only a refusal writes a problem document.
/// </summary>
internal static class EventsEndpoint
{
    public static IEndpointRouteBuilder MapBitrixEvents(this IEndpointRouteBuilder endpoints)
    {
        // Resolved at the first event, not here: a setting that stops the start is reported by the start.
        var services = endpoints.ServiceProvider;
        var handlers = new Lazy<EventHandlers>(() => new EventHandlers(
            services.GetRequiredService<InstallHandler>(),
            services.GetRequiredService<UninstallHandler>(),
            services.GetRequiredService<DoorbellHandler>(),
            services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(EventsEndpoint))));
        endpoints.MapPost(Bitrix24Options.EventsPath, (RequestDelegate)(context => HandleAsync(context, handlers.Value)))
            .WithName("Bitrix24Events");
        return endpoints;
    }

    private static async Task HandleAsync(HttpContext context, EventHandlers handlers)
    {
        var cancellationToken = context.RequestAborted;
        EventPayload payload;
        try
        {
            payload = await EventBodyReader.ReadAsync(context.Request, cancellationToken).ConfigureAwait(false);
        }
        catch (MalformedBodyException ex)
        {
            WebhooksLog.BodyRejected(handlers.Logger, ex.StatusCode, ex.Reason);
            await TypedResults.Problem(statusCode: ex.StatusCode, title: Title(ex.StatusCode), detail: $"The event body was rejected: {ex.Reason}.")
                .ExecuteAsync(context).ConfigureAwait(false);
            return;
        }

        EventRequest.Record(context, payload);
        var result = payload.Event switch
        {
            "ONOFFLINEEVENT" => await handlers.Doorbell.HandleAsync(payload, cancellationToken).ConfigureAwait(false),
            "ONAPPINSTALL" => await handlers.Install.HandleAsync(payload, cancellationToken).ConfigureAwait(false),
            "ONAPPUNINSTALL" => await handlers.Uninstall.HandleAsync(payload, cancellationToken).ConfigureAwait(false),
            _ => Ignore(payload, handlers.Logger),
        };
        if (result == IntakeResult.Accepted)
        {
            context.Response.StatusCode = StatusCodes.Status200OK;
            return;
        }

        var problem = result == IntakeResult.Throttled
            ? TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many installs", detail: "Too many installs are being verified; the install was not looked at.")
            : TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized", detail: "The event could not be authenticated.");
        await problem.ExecuteAsync(context).ConfigureAwait(false);
    }

    private static IntakeResult Ignore(EventPayload payload, ILogger logger)
    {
        WebhooksLog.EventIgnored(logger, Untrusted.Clip(payload.Event), Untrusted.Clip(payload.MemberId));
        return IntakeResult.Accepted;
    }

    private static string Title(int status) => status switch
    {
        StatusCodes.Status413PayloadTooLarge => "Payload too large",
        StatusCodes.Status415UnsupportedMediaType => "Unsupported media type",
        _ => "Malformed event",
    };

    /// <summary>The handlers an event is dispatched to, and the endpoint's logger, resolved once at the first event.</summary>
    private sealed record EventHandlers(InstallHandler Install, UninstallHandler Uninstall, DoorbellHandler Doorbell, ILogger Logger);
}
