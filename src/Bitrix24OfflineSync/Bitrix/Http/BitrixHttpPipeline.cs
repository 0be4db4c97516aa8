using System.Net;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Timeout;

namespace Bitrix24OfflineSync.Bitrix.Http;

/// <summary>
/// The REST client's handlers, outermost first: retry and circuit breaker, a pipeline with a breaker of its own for
/// each portal that ever faulted (one portal's failures never open another's circuit) and one pipeline without a
/// breaker shared by the portals that never did (<see cref="PortalCircuits"/>); then <see cref="PortalAttemptHandler"/>
/// (the portal's budget, and where faults are seen); then the attempt timeout, which so covers the exchange with the
/// portal and not the wait for the budget. A failure whose
/// effect is unknown (a 5xx, a timeout, a reset) is retried only for calls that are safe to repeat
/// (<see cref="RetrySafety"/>); a refusal by the limits (nothing ran) is always waited out and sent again, and never
/// counts against the circuit. Innermost, inside the timeout, <see cref="BoundedAnswerHandler"/> reads each answer
/// whole up to its size limit.
/// </summary>
internal static class BitrixHttpPipeline
{
    public static IHttpClientBuilder AddBitrixPipeline(this IHttpClientBuilder client)
    {
        client.Services.AddTransient<PortalAttemptHandler>();
        client.Services.AddTransient<BoundedAnswerHandler>();
        client.Services.AddSingleton<PortalCircuits>();
        client.AddResilienceHandler("portal", ConfigurePortal)
            .SelectPipelineBy(services =>
            {
                var circuits = services.GetRequiredService<PortalCircuits>();
                return request => circuits.PipelineFor(BitrixRequest.MemberId(request));
            });
        client.AddHttpMessageHandler<PortalAttemptHandler>();
        client.AddResilienceHandler("attempt", (pipeline, context) =>
            pipeline.AddTimeout(context.ServiceProvider.GetRequiredService<IOptions<ResilienceOptions>>().Value.AttemptTimeout));
        client.AddHttpMessageHandler<BoundedAnswerHandler>();
        return client;
    }

    private static void ConfigurePortal(ResiliencePipelineBuilder<HttpResponseMessage> pipeline, ResilienceHandlerContext context)
    {
        var settings = context.ServiceProvider.GetRequiredService<IOptions<ResilienceOptions>>().Value;
        var logger = context.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger<BitrixClient>();
        if (settings.MaxRetries > 0)
        {
            pipeline.AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = settings.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = settings.BaseDelay,
                MaxDelay = settings.MaxDelay,
                ShouldRetryAfterHeader = false,
                ShouldHandle = args => ValueTask.FromResult(ShouldRetry(args.Outcome, args.Context.GetRequestMessage())),
                // A refusal by the limits paused the portal's budget: the next attempt waits for it there, not here.
                DelayGenerator = args => ValueTask.FromResult(BitrixRequest.NotExecuted(args.Context.GetRequestMessage()) ? TimeSpan.Zero : (TimeSpan?)null),
                OnRetry = args =>
                {
                    var request = args.Context.GetRequestMessage();
                    BitrixLog.TransientFailure(logger, BitrixRequest.Method(request), BitrixRequest.MemberId(request), BitrixRequest.Outcome(request), args.AttemptNumber + 1, willRetry: true);
                    return ValueTask.CompletedTask;
                },
            });
        }

        if (context.InstanceName == PortalCircuits.Shared)
        {
            // The portals that never faulted: a fault makes the portal's own circuit from its next call on.
            return;
        }

        pipeline.AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
        {
            FailureRatio = settings.BreakerFailureRatio,
            MinimumThroughput = settings.BreakerMinimumThroughput,
            SamplingDuration = settings.BreakerSamplingDuration,
            BreakDuration = settings.BreakDuration,
            ShouldHandle = args => ValueTask.FromResult(IsFault(args.Outcome) && !BitrixRequest.NotExecuted(args.Context.GetRequestMessage())),
            OnOpened = args =>
            {
                BitrixLog.CircuitOpened(logger, BitrixRequest.MemberId(args.Context.GetRequestMessage()), args.BreakDuration.TotalSeconds);
                return ValueTask.CompletedTask;
            },
        });
    }

    private static bool ShouldRetry(Outcome<HttpResponseMessage> outcome, HttpRequestMessage? request) =>
        BitrixRequest.NotExecuted(request) || (IsFault(outcome) && BitrixRequest.SafeToRepeat(request));

    /// <summary>A failure that leaves the call's effect unknown: no answer in time, a broken connection, a 5xx.</summary>
    private static bool IsFault(Outcome<HttpResponseMessage> outcome) => outcome switch
    {
        // A refused address is the policy's answer, the same every time: nothing was sent.
        { Exception: HttpRequestException ex } when AddressRefusedException.In(ex) is not null => false,
        { Exception: TimeoutRejectedException or HttpRequestException } => true,
        { Result.StatusCode: >= HttpStatusCode.InternalServerError } => true,
        _ => false,
    };
}
