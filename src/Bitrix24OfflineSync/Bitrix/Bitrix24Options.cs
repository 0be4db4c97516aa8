using System.ComponentModel.DataAnnotations;

namespace Bitrix24OfflineSync.Bitrix;

/// <summary>The <c>Bitrix24</c> configuration section: the app's credentials and where Bitrix24 is.</summary>
internal sealed class Bitrix24Options
{
    public const string Section = "Bitrix24";

    /// <summary>Where the service takes Bitrix24's POSTs, below <see cref="PublicUrl"/>: the handler every binding names.</summary>
    public const string EventsPath = "/bitrix24/events";

    /// <summary>The app's client id; installs are refused while it is empty.</summary>
    public string? ClientId { get; set; }

    public string? ClientSecret { get; set; }

    [Required]
    public Uri OAuthServer { get; set; } = new("https://oauth.bitrix24.tech/");

    /// <summary>Where Bitrix24 reaches this service, e.g. <c>https://sync.example.com</c>.</summary>
    public Uri? PublicUrl { get; set; }

    /// <summary>Lets portal and OAuth endpoints be plain http, loopback or private (emulator, development).</summary>
    public bool AllowInsecureEndpoints { get; set; }

    /// <summary>
    /// The offline events to bind, comma-separated (one environment variable carries them all). Empty: add, update
    /// and delete of CRM deals, contacts, companies and leads.
    /// </summary>
    public string? Events { get; set; }

    /// <summary>The offline queue key (<c>auth_connector</c>); needs the plan's <c>rest_auth_connector</c>. Empty: none.</summary>
    public string? AuthConnector { get; set; }

    /// <summary>The doorbell's <c>minTimeout</c> in seconds: Bitrix24 drops doorbells closer together than this.</summary>
    [Range(0, 86400)]
    public int DoorbellMinTimeout { get; set; } = 1;

    /// <summary>
    /// The longest answer read from a portal, in bytes; a longer one fails the call. The default is 16 times a batch
    /// of 50 <c>crm.deal.list</c> pages with every field measured from the emulator (2 MB).
    /// </summary>
    [Range(64 * 1024, 1024 * 1024 * 1024)]
    public int MaxResponseBytes { get; set; } = 32 * 1024 * 1024;

    /// <summary>
    /// The most connections the REST client holds open to one host at once (each portal is its own host; requests
    /// beyond it wait for a free connection). A drain sends one request at a time, so a portal needs one or two.
    /// </summary>
    [Range(1, 100_000)]
    public int MaxConnectionsPerHost { get; set; } = 32;

    public static IReadOnlyList<string> DefaultEvents { get; } =
        [.. new[] { "DEAL", "CONTACT", "COMPANY", "LEAD" }.SelectMany(e => new[] { "ADD", "UPDATE", "DELETE" }.Select(a => $"ONCRM{e}{a}"))];

    public IReadOnlyList<string> EventList => string.IsNullOrWhiteSpace(Events)
        ? DefaultEvents
        : [.. Events.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(e => e.ToUpperInvariant()).Distinct()];

    public bool HasCredentials => !string.IsNullOrWhiteSpace(ClientId) && !string.IsNullOrWhiteSpace(ClientSecret);

    /// <summary>The handler URL bound at the portals, <c>{PublicUrl}/bitrix24/events</c>; null without a public URL.</summary>
    public string? HandlerUrl => PublicUrl is null
        ? null
        : new Uri(PublicUrl.AbsoluteUri.EndsWith('/') ? PublicUrl : new Uri(PublicUrl.AbsoluteUri + "/"), EventsPath.TrimStart('/')).ToString();

    /// <summary>The token endpoint: <c>{OAuthServer}oauth/token/</c>.</summary>
    public Uri TokenEndpoint => new(OAuthServer.AbsoluteUri.EndsWith('/') ? OAuthServer : new Uri(OAuthServer.AbsoluteUri + "/"), "oauth/token/");
}
