using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;
using Polly.Registry;
using Polly.Retry;

namespace Bitrix24OfflineSync.Bitrix;

/// <summary>
/// One resilience pipeline per portal (so one portal's circuit never stops another): retry with jittered backoff
/// outside, a circuit breaker inside. The attempt timeout covers the HTTP exchange only (see <see cref="BitrixClient"/>),
/// not the wait for the portal's budget. A failure whose effect is unknown is retried only for calls marked safe;
/// a refusal by the limits (nothing ran) is always waited out and retried.
/// </summary>
internal sealed class BitrixResilience(IOptions<ResilienceOptions> options, TimeProvider time, ILogger<BitrixResilience> logger) : IAsyncDisposable
{
    public static readonly ResiliencePropertyKey<bool> SafeToRepeat = new("bitrix24.safe-to-repeat");
    public static readonly ResiliencePropertyKey<string> Method = new("bitrix24.method");

    private readonly ResiliencePipelineRegistry<string> _registry = new();

    public ResiliencePipeline For(string memberId) => _registry.GetOrAddPipeline(memberId, builder =>
    {
        var settings = options.Value;
        builder.TimeProvider = time;
        builder.AddRetry(new RetryStrategyOptions
        {
            MaxRetryAttempts = settings.MaxRetries,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = settings.BaseDelay,
            MaxDelay = settings.MaxDelay,
            ShouldHandle = args => ValueTask.FromResult(ShouldRetry(args.Outcome.Exception, args.Context)),
            DelayGenerator = args => ValueTask.FromResult(args.Outcome.Exception is BitrixTransientException { RetryAfter: { } after } ? after : (TimeSpan?)null),
            OnRetry = args =>
            {
                var reason = args.Outcome.Exception is BitrixTransientException transient ? transient.Reason : args.Outcome.Exception?.GetType().Name ?? "unknown";
                BitrixLog.TransientFailure(logger, args.Context.Properties.GetValue(Method, "?"), memberId, reason, args.AttemptNumber + 1, willRetry: true);
                return ValueTask.CompletedTask;
            },
        });
        builder.AddCircuitBreaker(new CircuitBreakerStrategyOptions
        {
            FailureRatio = settings.BreakerFailureRatio,
            MinimumThroughput = settings.BreakerMinimumThroughput,
            SamplingDuration = settings.BreakerSamplingDuration,
            BreakDuration = settings.BreakDuration,
            ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is BitrixTransientException { NotExecuted: false }),
            OnOpened = args =>
            {
                BitrixLog.CircuitOpened(logger, memberId, args.BreakDuration.TotalSeconds);
                return ValueTask.CompletedTask;
            },
        });
    });

    public ValueTask DisposeAsync() => _registry.DisposeAsync();

    private static bool ShouldRetry(Exception? exception, ResilienceContext context) => exception switch
    {
        BitrixTransientException { NotExecuted: true } => true,
        BitrixTransientException => context.Properties.GetValue(SafeToRepeat, false),
        _ => false,
    };
}
