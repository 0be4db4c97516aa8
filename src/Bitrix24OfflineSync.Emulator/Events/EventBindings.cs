using Bitrix24OfflineSync.Emulator.Portals;

namespace Bitrix24OfflineSync.Emulator.Events;

/// <summary>The portal's event handlers (b_rest_event): online and offline bindings of every app.</summary>
public sealed class EventBindings(EmulatedPortal portal)
{
    private readonly Lock _sync = new();
    private readonly List<EventBinding> _bindings = [];
    private long _lastId;

    public EmulatedPortal Portal { get; } = portal;

    /// <summary>Every binding, in ID order.</summary>
    public IReadOnlyList<EventBinding> All
    {
        get
        {
            lock (_sync)
            {
                return [.. _bindings];
            }
        }
    }

    public IReadOnlyList<EventBinding> ForApp(EmulatedApp app) => [.. All.Where(b => b.AppId == app.ClientId)];

    public IReadOnlyList<EventBinding> ForEvent(string eventName) =>
        [.. All.Where(b => string.Equals(b.EventName, eventName, StringComparison.OrdinalIgnoreCase))];

    /// <summary>
    /// Adds a binding unless one with the same (APP_ID, EVENT_NAME, EVENT_HANDLER, USER_ID, CONNECTOR_ID) exists,
    /// as <c>EventTable::checkUniq</c> refuses it; returns null then.
    /// </summary>
    internal EventBinding? TryAdd(EmulatedApp app, string eventName, string handler, int userId, string connectorId, IReadOnlyDictionary<string, int>? options = null)
    {
        lock (_sync)
        {
            var name = eventName.ToUpperInvariant();
            if (_bindings.Any(b => b.AppId == app.ClientId && b.EventName == name && b.Handler == handler && b.UserId == userId && b.ConnectorId == connectorId))
            {
                return null;
            }

            var binding = new EventBinding(++_lastId, app.ClientId, name, handler, userId, connectorId, options ?? new Dictionary<string, int>());
            _bindings.Add(binding);
            return binding;
        }
    }

    /// <summary>Adds the binding, or returns the existing equal one.</summary>
    internal EventBinding Ensure(EmulatedApp app, string eventName, string handler, int userId = 0, string connectorId = "") =>
        TryAdd(app, eventName, handler, userId, connectorId) ??
        All.First(b => b.AppId == app.ClientId && string.Equals(b.EventName, eventName, StringComparison.OrdinalIgnoreCase) && b.Handler == handler && b.UserId == userId && b.ConnectorId == connectorId);

    internal int RemoveWhere(Func<EventBinding, bool> predicate)
    {
        lock (_sync)
        {
            return _bindings.RemoveAll(b => predicate(b));
        }
    }
}
