using Bitrix24OfflineSync.Portals;
using Bitrix24OfflineSync.Tests.Infrastructure;

namespace Bitrix24OfflineSync.Tests.Persistence;

/// <summary>One service instance's portal stores: the registry, the token store and the sync state.</summary>
internal sealed record PortalStores(IPortalRegistry Registry, IPortalTokenStore Tokens, IPortalSyncState State)
{
    public static PortalStores Of(ServiceHarness service) =>
        new(service.Get<IPortalRegistry>(), service.Get<IPortalTokenStore>(), service.Get<IPortalSyncState>());
}
