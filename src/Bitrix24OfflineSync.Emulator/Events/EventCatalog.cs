namespace Bitrix24OfflineSync.Emulator.Events;

/// <summary>
/// The events the portal declares (the EVENTS part of the REST service description): the scope each belongs to and
/// its flags. An app may bind an event of its scopes or of the global scope.
/// </summary>
internal static class EventCatalog
{
    public const string GlobalScope = "";
    public const string OnOfflineEvent = "ONOFFLINEEVENT";
    public const string OnAppInstall = "ONAPPINSTALL";
    public const string OnAppUninstall = "ONAPPUNINSTALL";
    public const string MinTimeoutOption = "minTimeout";

    private static readonly Dictionary<string, EventInfo> Events = Build();

    public static IEnumerable<EventInfo> All => Events.Values;

    public static EventInfo? Find(string name) => Events.GetValueOrDefault(name.ToUpperInvariant());

    /// <summary>The event if the app may see it through its scopes or the global scope.</summary>
    public static EventInfo? FindFor(EmulatedApp app, string name) =>
        Find(name) is { } info && (info.Scope == GlobalScope || app.HasScope(info.Scope)) ? info : null;

    private static Dictionary<string, EventInfo> Build()
    {
        var events = new Dictionary<string, EventInfo>(StringComparer.Ordinal);
        void Add(EventInfo info) => events[info.Name] = info;

        // Smart processes and invoices share one set of events; the type is in the data, not in the name.
        foreach (var entity in new[] { "DEAL", "CONTACT", "COMPANY", "LEAD", "DYNAMICITEM", "ACTIVITY" })
        {
            foreach (var action in new[] { "ADD", "UPDATE", "DELETE" })
            {
                Add(new EventInfo($"ONCRM{entity}{action}", "crm"));
            }
        }

        foreach (var action in new[] { "ADD", "UPDATE", "DELETE" })
        {
            Add(new EventInfo($"ONTASK{action}", "task"));
        }

        Add(new EventInfo(OnOfflineEvent, GlobalScope, SendRefreshToken: true, DisableOffline: true, AllowOptions: [MinTimeoutOption]));
        Add(new EventInfo(OnAppInstall, GlobalScope, SendRefreshToken: true));
        Add(new EventInfo(OnAppUninstall, GlobalScope, SendAuth: false));
        return events;
    }
}

/// <summary>An event's declaration: its scope ("" for global) and the flags the server's sender reads.</summary>
internal sealed record EventInfo(
    string Name,
    string Scope,
    bool SendAuth = true,
    bool SendRefreshToken = false,
    bool DisableOffline = false,
    IReadOnlyList<string>? AllowOptions = null);
