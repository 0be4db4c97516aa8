using System.Collections.Concurrent;

namespace Bitrix24OfflineSync.Emulator.Portals;

/// <summary>
/// The portal's users and which of them are administrators. User 1 is the administrator who created the portal. A
/// token of an app belongs to a user, and what it may do follows that user's flag, not who installed the app.
/// </summary>
public sealed class PortalUsers
{
    /// <summary>The portal's first user: the administrator who created it.</summary>
    public const int FirstAdmin = 1;

    private readonly ConcurrentDictionary<int, PortalUser> _users = new() { [FirstAdmin] = new PortalUser(FirstAdmin, true, "Admin", "") };
    private int _lastId = FirstAdmin;

    public IReadOnlyList<PortalUser> All => [.. _users.Values.OrderBy(u => u.Id)];

    /// <summary>Adds a user with the next free id.</summary>
    public PortalUser Add(bool isAdmin, string? name = null)
    {
        var id = Interlocked.Increment(ref _lastId);
        while (_users.ContainsKey(id))
        {
            id = Interlocked.Increment(ref _lastId);
        }

        return Set(id, isAdmin, name);
    }

    /// <summary>Makes user <paramref name="id"/> exist with the given flag, adding it when new.</summary>
    public PortalUser Set(int id, bool isAdmin, string? name = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(id);
        var user = _users.AddOrUpdate(
            id,
            _ => new PortalUser(id, isAdmin, name ?? $"User {id}", ""),
            (_, existing) => existing with { IsAdmin = isAdmin, Name = name ?? existing.Name });
        InterlockedMax(ref _lastId, id);
        return user;
    }

    public PortalUser? Find(int id) => _users.GetValueOrDefault(id);

    /// <summary>Whether the user is an administrator; an unknown user is not.</summary>
    public bool IsAdmin(int id) => Find(id)?.IsAdmin ?? false;

    private static void InterlockedMax(ref int target, int value)
    {
        var current = Volatile.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}

/// <summary>A user of the portal: what <c>profile</c> and <c>user.admin</c> answer about them.</summary>
public sealed record PortalUser(int Id, bool IsAdmin, string Name, string LastName);
