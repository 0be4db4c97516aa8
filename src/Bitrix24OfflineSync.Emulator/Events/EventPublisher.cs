using Bitrix24OfflineSync.Emulator.Rest;

namespace Bitrix24OfflineSync.Emulator.Events;

/// <summary>
/// At the end of a hit, as the server's finalize step: writes raised events to the offline queues of the apps that
/// bound them offline, sends online events, then rings the ONOFFLINEEVENT handlers of the apps that got rows.
/// Rows are written before this returns (and so before the hit's response); deliveries go out fire-and-forget.
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

        var portal = hit.Portal;
        var notified = new List<EmulatedApp>();
        foreach (var raised in hit.Events)
        {
            foreach (var binding in portal.Bindings.ForEvent(raised.Name))
            {
                var app = World.Apps.FirstOrDefault(a => a.ClientId == binding.AppId);
                var installation = app is null ? null : portal.Installation(app);
                if (app is null || installation is null)
                {
                    continue;
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
                    World.Track(_delivery.SendAsync(portal, raised.Name, binding.AppId, binding.Id, binding.Handler, body));
                }
            }
        }

        RingDoorbells(hit, notified);
    }

    private void RingDoorbells(HitContext hit, List<EmulatedApp> apps)
    {
        var portal = hit.Portal;
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

                var userId = binding.UserId > 0 ? binding.UserId : hit.Caller.UserId;
                var body = _delivery.Body(EventCatalog.OnOfflineEvent, binding.Id, data: null, _delivery.AuthFor(portal, installation, info, userId));
                World.Track(_delivery.SendAsync(portal, EventCatalog.OnOfflineEvent, binding.AppId, binding.Id, binding.Handler, body));
            }
        }
    }
}
