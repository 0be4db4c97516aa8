namespace Bitrix24OfflineSync.Portals;

/// <summary>
/// Member ids the registry did not know, each until a time, at most <paramref name="capacity"/> of them: when full,
/// the one asked about least recently goes. A flood of rotating made-up ids thus pushes out only other made-up ids,
/// while an id asked about again and again (a probe repeated, a portal installed elsewhere still ringing) stays and
/// costs no query.
/// </summary>
internal sealed class UnknownMembers(int capacity)
{
    private readonly Lock _sync = new();
    private readonly Dictionary<string, LinkedListNode<(string MemberId, DateTimeOffset Until)>> _index = new(StringComparer.Ordinal);
    private readonly LinkedList<(string MemberId, DateTimeOffset Until)> _byUse = new();

    /// <summary>True while <paramref name="memberId"/> is known to be unknown at <paramref name="now"/>; a hit counts as a use.</summary>
    public bool Contains(string memberId, DateTimeOffset now)
    {
        lock (_sync)
        {
            if (!_index.TryGetValue(memberId, out var node))
            {
                return false;
            }

            if (node.Value.Until <= now)
            {
                _byUse.Remove(node);
                _index.Remove(memberId);
                return false;
            }

            _byUse.Remove(node);
            _byUse.AddFirst(node);
            return true;
        }
    }

    public void Add(string memberId, DateTimeOffset until)
    {
        lock (_sync)
        {
            if (_index.TryGetValue(memberId, out var node))
            {
                _byUse.Remove(node);
            }
            else if (_index.Count >= capacity && _byUse.Last is { } last)
            {
                _byUse.RemoveLast();
                _index.Remove(last.Value.MemberId);
            }

            _index[memberId] = _byUse.AddFirst((memberId, until));
        }
    }

    public void Remove(string memberId)
    {
        lock (_sync)
        {
            if (_index.Remove(memberId, out var node))
            {
                _byUse.Remove(node);
            }
        }
    }
}
