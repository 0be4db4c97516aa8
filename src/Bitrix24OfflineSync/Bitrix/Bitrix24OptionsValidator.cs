using Microsoft.Extensions.Options;

namespace Bitrix24OfflineSync.Bitrix;

/// <summary>Stops the process at boot, naming the key, when a Bitrix24 setting cannot work.</summary>
internal sealed class Bitrix24OptionsValidator : IValidateOptions<Bitrix24Options>
{
    public ValidateOptionsResult Validate(string? name, Bitrix24Options options)
    {
        var failures = new List<string>();
        if (!options.OAuthServer.IsAbsoluteUri)
        {
            failures.Add("Bitrix24:OAuthServer must be an absolute URL.");
        }
        else if (EndpointPolicy.Check(options.OAuthServer, options.AllowInsecureEndpoints) is { } problem)
        {
            failures.Add($"Bitrix24:OAuthServer {problem} (set Bitrix24:AllowInsecureEndpoints=true for an emulator or development).");
        }

        if (options.PublicUrl is { } url && (!url.IsAbsoluteUri || url.Scheme is not ("http" or "https")))
        {
            failures.Add("Bitrix24:PublicUrl must be an absolute http(s) URL.");
        }

        if (string.IsNullOrWhiteSpace(options.ClientId) != string.IsNullOrWhiteSpace(options.ClientSecret))
        {
            failures.Add("Bitrix24:ClientId and Bitrix24:ClientSecret must be set together.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
