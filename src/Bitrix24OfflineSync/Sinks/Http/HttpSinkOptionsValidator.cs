using Microsoft.Extensions.Options;

namespace Bitrix24OfflineSync.Sinks.Http;

/// <summary>Stops the process at boot, naming the key, when the HTTP sink's settings cannot work.</summary>
internal sealed class HttpSinkOptionsValidator : IValidateOptions<SinkOptions>
{
    public const int MaxBatchSizeLimit = 10_000;
    public const int MaxAttemptsLimit = 100;

    public ValidateOptionsResult Validate(string? name, SinkOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Type != SinkType.Http)
        {
            return ValidateOptionsResult.Skip;
        }

        var failures = new List<string>();
        if (options.Url is not { IsAbsoluteUri: true } url || url.Scheme is not ("http" or "https"))
        {
            failures.Add("Sink:Url must be an absolute http(s) URL when Sink:Type is Http.");
        }
        else if (url.Scheme != "https" && !options.AllowInsecureUrl)
        {
            failures.Add("Sink:Url must use https (set Sink:AllowInsecureUrl=true for development).");
        }

        if (WebhookSecret.TryDecode(options.Secret, out var problem) is null)
        {
            failures.Add($"Sink:Secret {problem}: the form is {WebhookSecret.Prefix}<base64 key of at least {WebhookSecret.MinKeyBytes} bytes>.");
        }

        if (options.MaxBatchSize is < 1 or > MaxBatchSizeLimit)
        {
            failures.Add($"Sink:MaxBatchSize must be between 1 and {MaxBatchSizeLimit}.");
        }

        if (options.MaxAttempts is < 1 or > MaxAttemptsLimit)
        {
            failures.Add($"Sink:MaxAttempts must be between 1 and {MaxAttemptsLimit}.");
        }

        if (options.Timeout <= TimeSpan.Zero || options.Timeout > TimeSpan.FromHours(1))
        {
            failures.Add("Sink:Timeout must be positive and at most one hour.");
        }

        if (options.RetryBaseDelay < TimeSpan.Zero || options.RetryBaseDelay > TimeSpan.FromHours(1))
        {
            failures.Add("Sink:RetryBaseDelay must be between zero and one hour.");
        }

        if (options.RetryMaxDelay < options.RetryBaseDelay || options.RetryMaxDelay > TimeSpan.FromDays(1))
        {
            failures.Add("Sink:RetryMaxDelay must be at least Sink:RetryBaseDelay and at most one day.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
