namespace Bitrix24OfflineSync.Emulator;

/// <summary>An app registered with the OAuth server: its credentials and scopes.</summary>
public sealed class EmulatedApp(EmulatedAppOptions options)
{
    public string ClientId { get; } = options.ClientId;

    public string ClientSecret { get; } = options.ClientSecret;

    public IReadOnlySet<string> Scopes { get; } =
        options.Scope.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.OrdinalIgnoreCase);

    public string Scope => string.Join(',', Scopes);

    public bool HasScope(string? scope) => scope is null || Scopes.Contains(scope);
}
