namespace Bitrix24OfflineSync.Emulator;

/// <summary>How the emulated Bitrix24 cloud behaves. Defaults follow the real cloud (see bitrix24-api.md).</summary>
public sealed class EmulatorOptions
{
    /// <summary>The apps known to the OAuth server. The first one is the default app of the helper methods.</summary>
    public IList<EmulatedAppOptions> Apps { get; init; } = [new EmulatedAppOptions()];

    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromHours(1);

    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(180);

    public TimeSpan AuthorizationCodeLifetime { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>What the OAuth answer calls its own <c>domain</c>.</summary>
    public string OAuthDomain { get; set; } = "oauth.bitrix24.tech";

    /// <summary>Per-portal request-intensity limit; portals copy it at creation and may change it later.</summary>
    public LeakyBucketOptions RateLimit { get; init; } = new();

    /// <summary>Per-method operating-time limit ("resource intensity"); on, as in the cloud. Portals copy it at creation and may change it later.</summary>
    public OperatingLimitOptions OperatingLimit { get; init; } = new();

    /// <summary>The round trip and the server's processing time per command; off unless switched on. Portals copy it at creation and may change it later.</summary>
    public CloudProfileOptions Cloud { get; init; } = new();

    /// <summary>The offset of the portals' local time, as in TIMESTAMP_X and DATE_MODIFY.</summary>
    public TimeSpan PortalUtcOffset { get; set; } = TimeSpan.FromHours(3);

    /// <summary>Seed of the random source used for faults and generated ids; null picks one.</summary>
    public int? Seed { get; set; }

    /// <summary>
    /// How long after a change's hit its offline rows are written (and its doorbells and online events sent). The
    /// server writes them in a background job after the answer that caused them (bitrix24-api.md §14), so a client
    /// must never expect a change's row to be there when the change's own call returns; tests that need the row wait
    /// with <see cref="BitrixWorld.WhenEventsWrittenAsync"/>. Zero still writes after the hit, only without waiting.
    /// </summary>
    public TimeSpan OfflineWriteDelay { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>How long a delivery POST to a handler may take before it is given up (Bitrix24 never retries).</summary>
    public TimeSpan DeliveryTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Whether <c>crm.type.list</c> lists the invoices' built-in type (31) beside the custom smart processes. The docs
    /// call it a list of custom types and answer <c>crm.type.get</c> for 31 with an error, so it is left out unless
    /// this says otherwise; whether the cloud lists it is not confirmed.
    /// </summary>
    public bool TypeListIncludesInvoices { get; set; }

    /// <summary>What <c>tasks.task.get</c> answers for a deleted task: the real answer is not documented.</summary>
    public DeletedTaskAnswer DeletedTaskAnswer { get; set; } = DeletedTaskAnswer.AccessDenied;
}

public sealed class EmulatedAppOptions
{
    public string ClientId { get; set; } = "local.0123456789abcd.12345678";

    public string ClientSecret { get; set; } = "emulator-client-secret-0123456789abcdef";

    /// <summary>The scopes the app asked for; events outside them cannot be bound.</summary>
    public string Scope { get; set; } = "crm,task";
}

public sealed class LeakyBucketOptions
{
    public bool Enabled { get; set; } = true;

    /// <summary>X: requests above this level are answered 503 <c>QUERY_LIMIT_EXCEEDED</c>.</summary>
    public int BurstLimit { get; set; } = 50;

    /// <summary>Y: how many requests drain from the bucket per second.</summary>
    public double DrainPerSecond { get; set; } = 2;

    public LeakyBucketOptions Clone() => new() { Enabled = Enabled, BurstLimit = BurstLimit, DrainPerSecond = DrainPerSecond };
}

public sealed class OperatingLimitOptions
{
    /// <summary>On in the cloud; self-hosted servers have it off unless an admin turns it on.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Operating time a method may spend within the window before it is blocked.</summary>
    public TimeSpan Limit { get; set; } = TimeSpan.FromSeconds(480);

    /// <summary>How long a counted call stays counted: <c>operating_reset_at</c> is the oldest such call plus this.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Simulated operating time of one call, per method (lower case), so a test reaches the limit in seconds;
    /// methods not listed cost what they really took. Either way a call of 0.1 s or less is not counted.
    /// </summary>
    public IDictionary<string, TimeSpan> CostPerCall { get; init; } = new Dictionary<string, TimeSpan>(StringComparer.OrdinalIgnoreCase);

    public OperatingLimitOptions Clone() => new()
    {
        Enabled = Enabled,
        Limit = Limit,
        Window = Window,
        CostPerCall = new Dictionary<string, TimeSpan>(CostPerCall, StringComparer.OrdinalIgnoreCase),
    };
}

public enum DeletedTaskAnswer
{
    /// <summary>400 <c>ACCESS_DENIED</c>: the REST controller checks read access before existence.</summary>
    AccessDenied,

    /// <summary>400 with an empty code and "Not found", as the CRM methods answer.</summary>
    NotFound,
}
