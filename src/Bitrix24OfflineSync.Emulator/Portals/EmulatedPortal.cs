using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Bitrix24OfflineSync.Emulator.Cloud;
using Bitrix24OfflineSync.Emulator.Crm;
using Bitrix24OfflineSync.Emulator.Diagnostics;
using Bitrix24OfflineSync.Emulator.Events;
using Bitrix24OfflineSync.Emulator.Limits;
using Bitrix24OfflineSync.Emulator.Queue;
using Bitrix24OfflineSync.Emulator.Tasks;

namespace Bitrix24OfflineSync.Emulator.Portals;

/// <summary>One Bitrix24 portal: its data, offline queue, event bindings, installed apps, limits, faults and counters.</summary>
public sealed class EmulatedPortal
{
    public const string OfflineExtendedFeature = "rest_offline_extended";
    public const string AuthConnectorFeature = "rest_auth_connector";

    private readonly ConcurrentDictionary<string, AppInstallation> _installations = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _features = new(StringComparer.OrdinalIgnoreCase)
    {
        [OfflineExtendedFeature] = true,
        [AuthConnectorFeature] = true,
    };

    internal EmulatedPortal(BitrixWorld world, string domain)
    {
        World = world;
        Domain = domain;
        MemberId = Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes("member|" + domain)));
        Bucket = new LeakyBucket(world.Options.RateLimit, world.Time);
        OperatingLimiter = new OperatingTimeLimiter(world.Options.OperatingLimit, world.Time);
        Cloud = new CloudProfile(world.CloudProfileDefaults);
        Queue = new OfflineEventTable(this);
        Bindings = new EventBindings(this);
        Crm = new CrmStore(this);
        SmartProcesses = new SmartProcessStore(this);
        Activities = new ActivityStore(this);
        Tasks = new TaskStore(this);
        UserFields = new UserFieldStore(this);
        Statuses = new StatusStore(this);
    }

    public BitrixWorld World { get; }

    public string Domain { get; }

    /// <summary>The portal's <c>member_id</c>: 32 hex characters, stable for a domain.</summary>
    public string MemberId { get; }

    /// <summary>Serialises the portal's state changes, as the server's database transactions would.</summary>
    public Lock Sync { get; } = new();

    /// <summary>Where this portal's REST answers: <c>{base}/{domain}/rest/</c>.</summary>
    public Uri ClientEndpoint => new(World.BaseAddress, $"{Domain}/rest/");

    public LeakyBucket Bucket { get; }

    /// <summary>The per-method operating-time limit; its settings are the world's until <see cref="OperatingTimeLimiter.Configure"/> changes them.</summary>
    public OperatingTimeLimiter OperatingLimiter { get; }

    public PortalFaults Faults { get; } = new();

    /// <summary>The round trip and the server's processing per command; the world's settings until <see cref="CloudProfile.Configure"/> changes them.</summary>
    public CloudProfile Cloud { get; }

    /// <summary>Rules that change an object in the same request as a REST update of it.</summary>
    public PortalAutomation Automation { get; } = new();

    public PortalStats Stats { get; } = new();

    public DeliveryLog Deliveries { get; } = new();

    public OfflineEventTable Queue { get; }

    public EventBindings Bindings { get; }

    public CrmStore Crm { get; }

    /// <summary>Smart-process types and their items, and the invoices (type 31): what <c>crm.type.*</c> and <c>crm.item.*</c> serve.</summary>
    public SmartProcessStore SmartProcesses { get; }

    /// <summary>The CRM activities (<c>crm.activity.*</c>).</summary>
    public ActivityStore Activities { get; }

    public TaskStore Tasks { get; }

    /// <summary>The portal's users; user 1 is an administrator.</summary>
    public PortalUsers Users { get; } = new();

    /// <summary>The user fields admins defined on the CRM entities: what the field lists describe.</summary>
    public UserFieldStore UserFields { get; }

    /// <summary>The CRM status lists: stages, statuses, sources, types (<c>crm.status.list</c>).</summary>
    public StatusStore Statuses { get; }

    public IReadOnlyCollection<AppInstallation> Installations => [.. _installations.Values];

    /// <summary>Plan features as <c>feature.get</c> answers them; both are on unless switched off.</summary>
    public bool HasFeature(string code) => _features.GetValueOrDefault(code);

    public void SetFeature(string code, bool enabled) => _features[code] = enabled;

    public bool IsInstalled(EmulatedApp app) => _installations.ContainsKey(app.ClientId);

    public AppInstallation? Installation(EmulatedApp app) => _installations.GetValueOrDefault(app.ClientId);

    internal AppInstallation Install(EmulatedApp app, int userId)
    {
        // application_token = md5(member_id|app|client_secret|shared key): constant per app and portal.
        var shared = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var token = _installations.TryGetValue(app.ClientId, out var existing)
            ? existing.ApplicationToken
            : Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes($"{MemberId}|{app.ClientId}|{app.ClientSecret}|{shared}")));
        var installation = new AppInstallation(app, userId, token, World.Time.GetUtcNow());
        _installations[app.ClientId] = installation;
        return installation;
    }

    internal AppInstallation? Uninstall(EmulatedApp app) => _installations.TryRemove(app.ClientId, out var removed) ? removed : null;

    /// <summary>A time in the portal's zone, as TIMESTAMP_X and DATE_MODIFY are written.</summary>
    public DateTimeOffset LocalTime(DateTimeOffset utc) => utc.ToOffset(World.Options.PortalUtcOffset);

    public string FormatTime(DateTimeOffset utc) =>
        LocalTime(utc).ToString("yyyy-MM-dd'T'HH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture);
}
