using System.Collections.Concurrent;

namespace Bitrix24OfflineSync.Portals;

/// <summary>
/// What this instance knows of each portal for the hot path, kept in memory so a doorbell for a known portal reads no
/// database: the token hash, the status, and whether it is already marked dirty. It sits beside
/// <see cref="IPortalRegistry"/>, which stays the truth: a portal is read from the registry once, then answered from
/// here, and installs, uninstalls and dirty marks update it as they happen. Unknown member ids are
/// remembered briefly (<see cref="UnknownMembers"/>, least recently used out first), so a flood of forged doorbells
/// cannot turn into a flood of queries.
/// </summary>
internal sealed class KnownPortals(IPortalRegistry registry, TimeProvider time)
{
    /// <summary>Unknown member ids remembered at most.</summary>
    internal const int MaxUnknown = 10_000;

    private static readonly TimeSpan UnknownTtl = TimeSpan.FromSeconds(30);
    private readonly ConcurrentDictionary<string, KnownPortal> _known = new(StringComparer.Ordinal);
    private readonly UnknownMembers _unknown = new(MaxUnknown);
    private readonly ConcurrentDictionary<string, Lazy<Task<PortalRecord?>>> _loading = new(StringComparer.Ordinal);

    public async ValueTask<KnownPortal?> FindAsync(string memberId, CancellationToken cancellationToken)
    {
        if (_known.TryGetValue(memberId, out var entry))
        {
            return entry;
        }

        var now = time.GetUtcNow();
        if (_unknown.Contains(memberId, now))
        {
            return null;
        }

        // A burst of doorbells for a portal this instance has not seen yet makes one query, not one per doorbell.
        var load = _loading.GetOrAdd(memberId, id => new Lazy<Task<PortalRecord?>>(() => registry.FindAsync(id, CancellationToken.None)));
        PortalRecord? record;
        try
        {
            record = await load.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _loading.TryRemove(new KeyValuePair<string, Lazy<Task<PortalRecord?>>>(memberId, load));
        }

        if (record is null)
        {
            _unknown.Add(memberId, now + UnknownTtl);
            return null;
        }

        return Remember(record);
    }

    public KnownPortal Remember(PortalRecord record)
    {
        _unknown.Remove(record.MemberId);
        var entry = new KnownPortal(record.ApplicationTokenHash, record.Status, record.IsDirty);
        _known[record.MemberId] = entry;
        return entry;
    }

    /// <summary>
    /// Keeps, in memory only, the token that matched the stored hash, so that the portal's next doorbells are
    /// compared with it directly instead of hashed again. An entry replaced since (a reinstall) is left alone.
    /// </summary>
    public void RememberVerified(string memberId, KnownPortal verified, byte[] token) =>
        Update(memberId, e => ReferenceEquals(e.ApplicationTokenHash, verified.ApplicationTokenHash) ? e with { VerifiedToken = token } : e);

    /// <summary>The portal's signal is written: the next doorbells need not write it again.</summary>
    public void MarkDirty(string memberId) => Update(memberId, e => e with { Dirty = true });

    /// <summary>The drain worker took the portal's signals: the next doorbell must mark it dirty again.</summary>
    public void MarkConsumed(string memberId) => Update(memberId, e => e with { Dirty = false });

    public void MarkUninstalled(string memberId) => Update(memberId, e => e with { Status = PortalStatus.Uninstalled });

    private void Update(string memberId, Func<KnownPortal, KnownPortal> change)
    {
        while (_known.TryGetValue(memberId, out var current) && !_known.TryUpdate(memberId, change(current), current))
        {
        }
    }
}

/// <summary>
/// A portal as <see cref="KnownPortals"/> holds it for the event endpoint and the write API: a few fields of its
/// <see cref="PortalRecord"/>. <see cref="VerifiedToken"/> is the <c>application_token</c> that last matched
/// <see cref="ApplicationTokenHash"/>; it lives in this process's memory only and is never stored or logged.
/// </summary>
internal sealed record KnownPortal(byte[]? ApplicationTokenHash, PortalStatus Status, bool Dirty, byte[]? VerifiedToken = null);
