using Bitrix24OfflineSync.Sinks;
using Bitrix24OfflineSync.Sync.Model;

namespace Bitrix24OfflineSync.Sync.Resolution;

/// <summary>
/// The events of one batch about one object: any number of adds, updates and deletes become one change. An
/// unmapped event is a group of its own, keyed by its MESSAGE_ID.
/// </summary>
internal sealed class ObjectGroup(ObjectKey key, OfflineEvent first)
{
    private readonly List<string> _events = [];
    private readonly List<string> _messageIds = [];

    public ObjectKey Key { get; } = key;

    /// <summary>The first event of the group; for an unmapped event, what is delivered.</summary>
    public OfflineEvent First { get; } = first;

    public IReadOnlyList<string> Events => _events;

    public IReadOnlyList<string> MessageIds => _messageIds;

    /// <summary>Null for an unmapped event.</summary>
    public EntityFetch? Fetch { get; private set; }

    public bool IsMapped { get; private set; }

    /// <summary>Any delete makes a tombstone without a fetch: Bitrix24 never reuses an id.</summary>
    public bool IsDelete { get; private set; }

    public bool NeedsFetch => IsMapped && !IsDelete && Fetch is not null;

    public void Add(OfflineEvent offlineEvent, EventMapping? mapping)
    {
        if (!_events.Contains(offlineEvent.EventName))
        {
            _events.Add(offlineEvent.EventName);
        }

        if (!_messageIds.Contains(offlineEvent.MessageId))
        {
            _messageIds.Add(offlineEvent.MessageId);
        }

        if (mapping is not null)
        {
            IsMapped = true;
            IsDelete |= mapping.IsDelete;
            Fetch ??= mapping.Fetch;
        }
    }
}
