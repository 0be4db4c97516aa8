namespace Bitrix24OfflineSync.Emulator;

/// <summary>
/// The cloud profile: what a real portal's answer costs in time (bitrix24-api.md §16). Each request waits its network
/// round trip, and each command its server processing, which the <c>time</c> block reports and the method's operating
/// time counts. Off by default, so tests run at the speed of an in-process server; portals copy it at creation and may
/// change it later.
/// </summary>
public sealed class CloudProfileOptions
{
    public bool Enabled { get; set; }

    /// <summary>The network round trip of every request, spent before the server sees it.</summary>
    public TimeSpan RoundTrip { get; set; } = TimeSpan.FromMilliseconds(150);

    /// <summary>One object read by id (<c>crm.deal.get</c>, <c>tasks.task.get</c>, <c>feature.get</c>, …).</summary>
    public TimeSpan Get { get; set; } = TimeSpan.FromMilliseconds(20);

    /// <summary>A list page selecting a few named fields (<c>select: [ID, DATE_MODIFY]</c>).</summary>
    public TimeSpan ListFewFields { get; set; } = TimeSpan.FromMilliseconds(40);

    /// <summary>A list page of every field (<c>select *</c>, user fields, or no select at all).</summary>
    public TimeSpan ListAllFields { get; set; } = TimeSpan.FromMilliseconds(150);

    /// <summary><c>event.offline.get</c>: a reservation (an UPDATE … LIMIT) and a select of its rows.</summary>
    public TimeSpan OfflineGet { get; set; } = TimeSpan.FromMilliseconds(30);

    /// <summary>A write: <c>add</c>, <c>update</c>, <c>delete</c>, <c>event.offline.clear</c>, <c>event.bind</c>, ….</summary>
    public TimeSpan Write { get; set; } = TimeSpan.FromMilliseconds(30);

    /// <summary>A field list (<c>crm.deal.fields</c>, <c>crm.item.fields</c>, <c>tasks.task.getFields</c>).</summary>
    public TimeSpan Fields { get; set; } = TimeSpan.FromMilliseconds(30);

    /// <summary>Any other method (<c>user.admin</c>, <c>profile</c>, <c>event.get</c>, <c>crm.type.list</c>, …).</summary>
    public TimeSpan Other { get; set; } = TimeSpan.FromMilliseconds(10);

    /// <summary>A method's cost when it is listed here (lower-case names), whatever its kind.</summary>
    public IDictionary<string, TimeSpan> CostPerMethod { get; init; } = new Dictionary<string, TimeSpan>(StringComparer.OrdinalIgnoreCase);

    public CloudProfileOptions Clone() => new()
    {
        Enabled = Enabled,
        RoundTrip = RoundTrip,
        Get = Get,
        ListFewFields = ListFewFields,
        ListAllFields = ListAllFields,
        OfflineGet = OfflineGet,
        Write = Write,
        Fields = Fields,
        Other = Other,
        CostPerMethod = new Dictionary<string, TimeSpan>(CostPerMethod, StringComparer.OrdinalIgnoreCase),
    };
}
