using Bitrix24OfflineSync.Portals;
using Bitrix24OfflineSync.Security;
using Bitrix24OfflineSync.Sync.Leases;
using Bitrix24OfflineSync.TestKit;
using Bitrix24OfflineSync.Tests.Infrastructure;

namespace Bitrix24OfflineSync.Tests.Persistence;

/// <summary>What the portal stores do on every provider, apart from token refresh (see <see cref="TokenRefreshContract"/>).</summary>
public abstract class PortalRegistryContract(StoreTarget target) : StoreContract(target)
{
    internal static readonly DateTimeOffset T0 = new(2026, 11, 22, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task ASavedInstall_IsFoundWithEveryFieldAndItsTokensDecrypt()
    {
        var service = await StartServiceAsync();
        var stores = PortalStores.Of(service);
        var install = Install(service, "m1", "one.bitrix24.com");

        await stores.Registry.SaveInstallAsync(install, Ct);

        var found = await stores.Registry.FindAsync("m1", Ct);
        var expected = new PortalRecord("m1", "one.bitrix24.com", install.ClientEndpoint, PortalStatus.Active, install.ApplicationTokenHash, "crm,task",
            T0.AddHours(1), 0, 0, T0, T0);
        Assert.Equal(expected, found, PortalRecordComparer.Instance);
        Assert.Equal(new PortalCredentials("m1", install.ClientEndpoint, "access-m1", PortalStatus.Active), await stores.Tokens.ReadCredentialsAsync("m1", Ct));
    }

    [Fact]
    public async Task AReinstall_ReplacesTheRecordAndTokensAndMakesAnUninstalledPortalActiveAgain()
    {
        var service = await StartServiceAsync();
        var stores = PortalStores.Of(service);
        await stores.Registry.SaveInstallAsync(Install(service, "m1", "old.bitrix24.com"), Ct);
        await stores.Registry.MarkUninstalledAsync("m1", Ct);

        var again = Install(service, "m1", "new.bitrix24.com", access: "access-new", appToken: "app-new") with { InstalledAt = T0.AddDays(1) };
        await stores.Registry.SaveInstallAsync(again, Ct);

        var found = (await stores.Registry.FindAsync("m1", Ct))!;
        Assert.Equal(("new.bitrix24.com", PortalStatus.Active, T0.AddDays(1)), (found.Domain, found.Status, found.InstalledAt));
        Assert.Equal(service.Get<ApplicationTokenHasher>().Hash("app-new"), found.ApplicationTokenHash);
        Assert.Equal("access-new", (await stores.Tokens.ReadCredentialsAsync("m1", Ct))!.AccessToken);
        Assert.Single(await stores.Registry.ListAsync(Ct));
    }

    [Fact]
    public async Task AnUnknownPortal_IsNotFoundAndHasNoCredentials()
    {
        var stores = PortalStores.Of(await StartServiceAsync());

        Assert.Null(await stores.Registry.FindAsync("nobody", Ct));
        Assert.Null(await stores.Tokens.ReadCredentialsAsync("nobody", Ct));
        Assert.False(await stores.Registry.MarkUninstalledAsync("nobody", Ct));
        Assert.Empty(await stores.Registry.ListAsync(Ct));
    }

    [Fact]
    public async Task TheList_HoldsEveryPortalInMemberIdOrder()
    {
        var service = await StartServiceAsync();
        var stores = PortalStores.Of(service);
        foreach (var memberId in new[] { "m3", "m1", "M2" })
        {
            await stores.Registry.SaveInstallAsync(Install(service, memberId, memberId + ".bitrix24.com"), Ct);
        }

        Assert.Equal(["M2", "m1", "m3"], (await stores.Registry.ListAsync(Ct)).Select(p => p.MemberId));
    }

    [Fact]
    public async Task AnUninstall_MarksThePortalAndDeletesItsTokens()
    {
        var service = await StartServiceAsync();
        var stores = PortalStores.Of(service);
        await stores.Registry.SaveInstallAsync(Install(service, "m1", "one.bitrix24.com"), Ct);
        await stores.Registry.SaveInstallAsync(Install(service, "m2", "two.bitrix24.com"), Ct);

        Assert.True(await stores.Registry.MarkUninstalledAsync("m1", Ct));

        var found = (await stores.Registry.FindAsync("m1", Ct))!;
        Assert.Equal(PortalStatus.Uninstalled, found.Status);
        Assert.Null(found.AccessExpiresAt);
        Assert.Null(await stores.Tokens.ReadCredentialsAsync("m1", Ct));
        Assert.Equal(0, await Target.ScalarAsync("SELECT COUNT(*) FROM portals WHERE member_id = 'm1' AND (access_token IS NOT NULL OR refresh_token IS NOT NULL)"));
        Assert.Equal("access-m2", (await stores.Tokens.ReadCredentialsAsync("m2", Ct))!.AccessToken);
    }

    [Fact]
    public async Task Signals_CountUpAndAreConsumedUpToTheLatest()
    {
        var service = await StartServiceAsync();
        var stores = PortalStores.Of(service);
        await stores.Registry.SaveInstallAsync(Install(service, "m1", "one.bitrix24.com"), Ct);
        // The portal's drain is another replica's for the test: the instance's own worker (the safety net asks a new
        // portal at once) consumes no signal of it. That first turn may hold the lease for a while: wait it out.
        await Wait.UntilAsync(
            async () => await service.Get<IDrainLeases>().TryAcquireAsync("m1", "another-replica", TimeSpan.FromHours(1), Ct) is not null,
            "another replica holds the portal's lease");

        Assert.Equal(1, await stores.State.SignalAsync("m1", Ct));
        Assert.Equal(2, await stores.State.SignalAsync("m1", Ct));
        Assert.True((await stores.Registry.FindAsync("m1", Ct))!.IsDirty);

        Assert.Equal(2, await stores.State.ConsumeSignalsAsync("m1", Ct));
        Assert.False((await stores.Registry.FindAsync("m1", Ct))!.IsDirty);

        Assert.Equal(3, await stores.State.SignalAsync("m1", Ct));
        var after = (await stores.Registry.FindAsync("m1", Ct))!;
        Assert.Equal((3L, 2L, true), (after.SignalSequence, after.ConsumedSequence, after.IsDirty));
        Assert.Equal(0, await stores.State.SignalAsync("nobody", Ct));
    }

    [Fact]
    public async Task ConcurrentSignals_AreEachCountedOnce()
    {
        var first = await StartServiceAsync();
        var second = await StartServiceAsync();
        await first.Get<IPortalRegistry>().SaveInstallAsync(Install(first, "m1", "one.bitrix24.com"), Ct);

        var sequences = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => (i % 2 == 0 ? first : second).Get<IPortalSyncState>().SignalAsync("m1", Ct)));

        Assert.Equal(Enumerable.Range(1, 40).Select(i => (long)i), sequences.Order());
    }

    [Fact]
    public async Task ThePlanFeature_IsUnknownUntilSetAndThenRememberedWithWhenItWasAsked()
    {
        var stores = PortalStores.Of(await StartServiceAsync());

        Assert.Null(await stores.State.PlanAsync("m1", Ct));
        await stores.State.SetOfflineExtendedAsync("m1", true, T0, Ct);
        Assert.Equal(new PortalPlan(true, T0), await stores.State.PlanAsync("m1", Ct));
        await stores.State.SetOfflineExtendedAsync("m1", false, T0.AddHours(1), Ct);
        Assert.Equal(new PortalPlan(false, T0.AddHours(1)), await stores.State.PlanAsync("m1", Ct));
    }

    [Fact]
    public async Task TheOverview_ShowsPlanLastDrainAndTheRunningTotalOfDrainWritesInDomainOrder()
    {
        var service = await StartServiceAsync();
        var stores = PortalStores.Of(service);
        await stores.Registry.SaveInstallAsync(Install(service, "m1", "zeta.bitrix24.com"), Ct);
        await stores.Registry.SaveInstallAsync(Install(service, "m2", "alpha.bitrix24.com"), Ct);
        await stores.State.SetOfflineExtendedAsync("m1", true, T0, Ct);
        await stores.State.RecordDrainAsync("m1", T0, 120, 100, Ct);
        await stores.State.RecordDrainAsync("m1", T0.AddMinutes(5), 7, 20, Ct);

        var overview = await stores.Registry.OverviewAsync(Ct);

        Assert.Equal(
            [
                new PortalOverview("m2", "alpha.bitrix24.com", PortalStatus.Active, null, null, 0, 0),
                new PortalOverview("m1", "zeta.bitrix24.com", PortalStatus.Active, true, T0.AddMinutes(5), 7, 120),
            ],
            overview);
    }

    internal static PortalInstall Install(ServiceHarness service, string memberId, string domain, string? access = null, string appToken = "app-token") =>
        new(memberId, domain, new Uri($"https://{domain}/rest/"), access ?? "access-" + memberId, "refresh-" + memberId, T0.AddHours(1),
            service.Get<ApplicationTokenHasher>().Hash(appToken), "crm,task", T0);
}
