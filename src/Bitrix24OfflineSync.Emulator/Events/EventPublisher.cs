using Bitrix24OfflineSync.Emulator.Portals;
using Bitrix24OfflineSync.Emulator.Rest;

namespace Bitrix24OfflineSync.Emulator.Events;

/// <summary>
/// The server's finalize step for a hit: after the hit has answered (and <see cref="EmulatorOptions.OfflineWriteDelay"/>
/// later), writes its raised events to the offline queues of the apps that bound them offline, under the portal's
/// lock; then sends the online events and rings the ONOFFLINEEVENT handlers of the apps that got rows. A change's
/// row is therefore not there yet when the change's own answer arrives, as on a real portal.
/// </summary>
internal sealed class EventPublisher(BitrixWorld world)
{
    private readonly HandlerDelivery _delivery = new(world);
    private readonly DoorbellThrottle _throttle = new(world.Time);

    public BitrixWorld World { get; } = world;

    internal HandlerDelivery Delivery => _delivery;

    public void FinishHit(HitContext hit)
    {
        if (hit.World != World)
        {
            throw new InvalidOperationException("The hit belongs to another world.");
        }

        // The handlers are those bound when the event was raised, as Sender::call finds them during the hit.
        var routes = hit.Events.SelectMany(raised => hit.Portal.Bindings.ForEvent(raised.Name).Select(binding => (raised, binding))).ToList();
        if (routes.Count > 0)
        {
            World.Writes.Start(hit.Portal, () => Publish(hit.Portal, hit.Caller, routes));
        }
    }

    private void Publish(EmulatedPortal portal, Caller caller, List<(RaisedEvent Raised, EventBinding Binding)> routes)
    {
        var sends = new List<Func<Task>>();
        lock (portal.Sync)
        {
            var notified = new List<EmulatedApp>();
            foreach (var (raised, binding) in routes)
            {
                Route(portal, raised, binding, notified, sends);
            }

            RingDoorbells(portal, caller, notified, sends);
        }

        // Sent once the rows are in and the lock is free: a handler that reacts at once finds its rows.
        foreach (var send in sends)
        {
            World.Track(send());
        }
    }

    private void Route(EmulatedPortal portal, RaisedEvent raised, EventBinding binding, List<EmulatedApp> notified, List<Func<Task>> sends)
    {
        // An app uninstalled since the hit gets nothing: its uninstall has already cleared its queue.
        var app = World.Apps.FirstOrDefault(a => a.ClientId == binding.AppId);
        if (app is null || portal.Installation(app) is not { } installation)
        {
            return;
        }

        if (binding.IsOffline)
        {
            // ProviderOffline::finalize skips only when both the app and the connector are the caller's.
            if (raised.Caller.App?.ClientId != binding.AppId || raised.Caller.AuthConnector != binding.ConnectorId)
            {
                portal.Queue.Upsert(binding.AppId, binding.ConnectorId, raised.Name, raised.Data, raised.Caller.UserId);
                if (!notified.Contains(app))
                {
                    notified.Add(app);
                }
            }
        }
        else if (raised.Name != EventCatalog.OnOfflineEvent && EventCatalog.Find(raised.Name) is { } info)
        {
            var userId = binding.UserId > 0 ? binding.UserId : raised.Caller.UserId;
            var body = _delivery.Body(raised.Name, binding.Id, raised.Data, _delivery.AuthFor(portal, installation, info, userId));
            sends.Add(() => _delivery.SendAsync(portal, raised.Name, binding.AppId, binding.Id, binding.Handler, body));
        }
    }

    private void RingDoorbells(EmulatedPortal portal, Caller caller, List<EmulatedApp> apps, List<Func<Task>> sends)
    {
        var hitState = new HitDoorbells();
        var info = EventCatalog.Find(EventCatalog.OnOfflineEvent)!;
        foreach (var app in apps)
        {
            if (portal.Installation(app) is not { } installation)
            {
                continue;
            }

            var doorbells = portal.Bindings.ForApp(app).Where(b => b.EventName == EventCatalog.OnOfflineEvent && !b.IsOffline);
            foreach (var binding in doorbells)
            {
                if (!_throttle.TryAcquire(portal.Domain, binding, hitState))
                {
                    _delivery.LogSuppressed(portal, binding);
                    continue;
                }

                var userId = binding.UserId > 0 ? binding.UserId : caller.UserId;
                var body = _delivery.Body(EventCatalog.OnOfflineEvent, binding.Id, data: null, _delivery.AuthFor(portal, installation, info, userId));
                sends.Add(() => _delivery.SendAsync(portal, EventCatalog.OnOfflineEvent, binding.AppId, binding.Id, binding.Handler, body));
            }
        }
    }
}
