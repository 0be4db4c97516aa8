using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;

namespace Bitrix24OfflineSync.Sinks.Http;

/// <summary>
/// The one retry pipeline of the HTTP sink: exponential backoff with jitter between attempts, delays on the injected
/// clock. Only failed deliveries are retried; the caller's cancellation never is.
/// </summary>
internal sealed class HttpSinkResilience(IOptions<SinkOptions> options, TimeProvider time)
{
    private readonly Lazy<ResiliencePipeline> _pipeline = new(() => Build(options.Value, time));

    public ResiliencePipeline Pipeline => _pipeline.Value;

    private static ResiliencePipeline Build(SinkOptions settings, TimeProvider time)
    {
        // Polly counts retries, the setting counts attempts; one attempt means no retry strategy at all.
        if (settings.MaxAttempts <= 1)
        {
            return ResiliencePipeline.Empty;
        }

        return new ResiliencePipelineBuilder { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = settings.MaxAttempts - 1,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = settings.RetryBaseDelay,
                MaxDelay = settings.RetryMaxDelay,
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is DeliveryAttemptException),
            })
            .Build();
    }
}
