using Bitrix24OfflineSync.Bitrix;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Bitrix24OfflineSync.Webhooks;

/// <summary><c>POST /bitrix24/events</c>: ONAPPINSTALL, ONAPPUNINSTALL, ONOFFLINEEVENT; anything else is acknowledged and ignored.</summary>
internal static class EventsEndpoint
{
    public static IEndpointRouteBuilder MapBitrixEvents(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost(Bitrix24Options.EventsPath, HandleAsync).WithName("Bitrix24Events");
        return endpoints;
    }

    internal static async Task<Results<Ok, ProblemHttpResult>> HandleAsync(
        HttpRequest request,
        InstallHandler install,
        UninstallHandler uninstall,
        DoorbellHandler doorbell,
        ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        EventPayload payload;
        try
        {
            payload = await EventBodyReader.ReadAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (MalformedBodyException ex)
        {
            WebhooksLog.BodyRejected(loggers.CreateLogger(typeof(EventsEndpoint)), ex.StatusCode, ex.Reason);
            return TypedResults.Problem(statusCode: ex.StatusCode, title: Title(ex.StatusCode), detail: $"The event body was rejected: {ex.Reason}.");
        }

        EventRequest.Record(request.HttpContext, payload);
        var result = payload.Event switch
        {
            "ONOFFLINEEVENT" => await doorbell.HandleAsync(payload, cancellationToken).ConfigureAwait(false),
            "ONAPPINSTALL" => await install.HandleAsync(payload, cancellationToken).ConfigureAwait(false),
            "ONAPPUNINSTALL" => await uninstall.HandleAsync(payload, cancellationToken).ConfigureAwait(false),
            _ => Ignore(payload, loggers),
        };
        return result == IntakeResult.Accepted
            ? TypedResults.Ok()
            : TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized", detail: "The event could not be authenticated.");
    }

    private static IntakeResult Ignore(EventPayload payload, ILoggerFactory loggers)
    {
        WebhooksLog.EventIgnored(loggers.CreateLogger(typeof(EventsEndpoint)), Untrusted.Clip(payload.Event), Untrusted.Clip(payload.Auth("member_id")));
        return IntakeResult.Accepted;
    }

    private static string Title(int status) => status switch
    {
        StatusCodes.Status413PayloadTooLarge => "Payload too large",
        StatusCodes.Status415UnsupportedMediaType => "Unsupported media type",
        _ => "Malformed event",
    };
}
