using System.Diagnostics;
using Microsoft.Extensions.Options;

namespace Bitrix24OfflineSync.Telemetry;

/// <summary>
/// Builds the tags of a per-portal measurement: the given ones, plus <c>member_id</c> only when
/// <see cref="MetricsOptions.PerPortal"/> is on, so a fleet of thousands of portals keeps a bounded number of series.
/// </summary>
internal sealed class PortalTags(IOptions<MetricsOptions> options)
{
    private readonly bool _perPortal = options.Value.PerPortal;

    public TagList For(string memberId, string key1, object? value1)
    {
        var tags = new TagList { { key1, value1 } };
        AddPortal(ref tags, memberId);
        return tags;
    }

    public TagList For(string memberId, string key1, object? value1, string key2, object? value2)
    {
        var tags = new TagList { { key1, value1 }, { key2, value2 } };
        AddPortal(ref tags, memberId);
        return tags;
    }

    public TagList For(string memberId, string key1, object? value1, string key2, object? value2, string key3, object? value3)
    {
        var tags = new TagList { { key1, value1 }, { key2, value2 }, { key3, value3 } };
        AddPortal(ref tags, memberId);
        return tags;
    }

    public TagList For(string memberId)
    {
        var tags = default(TagList);
        AddPortal(ref tags, memberId);
        return tags;
    }

    private void AddPortal(ref TagList tags, string memberId)
    {
        if (_perPortal)
        {
            tags.Add(ServiceTelemetry.MemberIdTag, memberId);
        }
    }
}
