using System.ComponentModel.DataAnnotations;

namespace Bitrix24OfflineSync.Bitrix;

/// <summary>The <c>Bitrix24</c> configuration section: the app's credentials and where Bitrix24 is.</summary>
internal sealed class Bitrix24Options
{
    public const string Section = "Bitrix24";

    /// <summary>The app's client id; installs are refused while it is empty.</summary>
    public string? ClientId { get; set; }

    public string? ClientSecret { get; set; }

    [Required]
    public Uri OAuthServer { get; set; } = new("https://oauth.bitrix24.tech/");

    /// <summary>Where Bitrix24 reaches this service, e.g. <c>https://sync.example.com</c>.</summary>
    public Uri? PublicUrl { get; set; }

    /// <summary>Lets portal and OAuth endpoints be plain http, loopback or private (emulator, development).</summary>
    public bool AllowInsecureEndpoints { get; set; }

    public bool HasCredentials => !string.IsNullOrWhiteSpace(ClientId) && !string.IsNullOrWhiteSpace(ClientSecret);

    /// <summary>The token endpoint: <c>{OAuthServer}oauth/token/</c>.</summary>
    public Uri TokenEndpoint => new(OAuthServer.AbsoluteUri.EndsWith('/') ? OAuthServer : new Uri(OAuthServer.AbsoluteUri + "/"), "oauth/token/");
}
