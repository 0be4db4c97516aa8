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
        var services = endpoints.ServiceProvider;
        var install = services.GetRequiredService<InstallHandler>();
        var uninstall = services.GetRequiredService<UninstallHandler>();
        var doorbell = services.GetRequiredService<DoorbellHandler>();
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(EventsEndpoint));
        endpoints.MapPost(Bitrix24Options.EventsPath, (RequestDelegate)(context => HandleAsync(context, install, uninstall, doorbell, logger)))
            .WithName("Bitrix24Events");
        return endpoints;
    }

    private static async Task HandleAsync(HttpContext context, InstallHandler install, UninstallHandler uninstall, DoorbellHandler doorbell, ILogger logger)
    {
        var cancellationToken = context.RequestAborted;
        EventPayload payload;
        try
        {
            payload = await EventBodyReader.ReadAsync(context.Request, cancellationToken).ConfigureAwait(false);
        }
        catch (MalformedBodyException ex)
        {
            WebhooksLog.BodyRejected(logger, ex.StatusCode, ex.Reason);
            await TypedResults.Problem(statusCode: ex.StatusCode, title: Title(ex.StatusCode), detail: $"The event body was rejected: {ex.Reason}.")
                .ExecuteAsync(context).ConfigureAwait(false);
            return;
        }

        EventRequest.Record(context, payload);
        var result = payload.Event switch
        {
            "ONOFFLINEEVENT" => await doorbell.HandleAsync(payload, cancellationToken).ConfigureAwait(false),
            "ONAPPINSTALL" => await install.HandleAsync(payload, cancellationToken).ConfigureAwait(false),
            "ONAPPUNINSTALL" => await uninstall.HandleAsync(payload, cancellationToken).ConfigureAwait(false),
            _ => Ignore(payload, logger),
        };
        if (result == IntakeResult.Accepted)
        {
            context.Response.StatusCode = StatusCodes.Status200OK;
            return;
        }

        await TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized", detail: "The event could not be authenticated.")
            .ExecuteAsync(context).ConfigureAwait(false);
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
}
