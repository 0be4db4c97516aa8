using Bitrix24OfflineSync.Portals;
using static Bitrix24OfflineSync.Tests.Persistence.PortalRegistryContract;

namespace Bitrix24OfflineSync.Tests.Persistence;

/// <summary>
/// <see cref="IPortalTokenStore.RefreshTokensAsync"/>: one refresh per expiry across service instances, the new pair
/// committed before it is used, a refused refresh token parking the portal.
/// </summary>
public abstract class TokenRefreshContract(StoreTarget target) : StoreContract(target)
{
    [Fact]
    public async Task ARefreshOfTheStaleToken_SpendsTheStoredRefreshTokenAndCommitsTheNewPair()
    {
        var service = await StartServiceAsync();
        var stores = PortalStores.Of(service);
        var elsewhere = await StoreAsync<IPortalTokenStore>();
        await service.SaveUnpolledAsync(Install(service, "m1", "one.bitrix24.com"));
        var spent = new List<string>();
        var before = DateTimeOffset.UtcNow;

        var result = await stores.Tokens.RefreshTokensAsync("m1", "access-m1", Answer(spent, "m1", "access-2", "refresh-2"), Ct);

        Assert.Equal(TokenRefreshOutcome.Refreshed, result.Outcome);
        Assert.Equal("access-2", result.Credentials!.AccessToken);
        Assert.Equal(["refresh-m1"], spent);
        Assert.Equal("access-2", (await elsewhere.ReadCredentialsAsync("m1", Ct))!.AccessToken);
        Assert.InRange((await stores.Registry.FindAsync("m1", Ct))!.AccessExpiresAt!.Value, before.AddSeconds(3599), DateTimeOffset.UtcNow.AddSeconds(3600));

        await stores.Tokens.RefreshTokensAsync("m1", "access-2", Answer(spent, "m1", "access-3", "refresh-3"), Ct);
        Assert.Equal(["refresh-m1", "refresh-2"], spent);
    }

    [Fact]
    public async Task ARefreshOfATokenAlreadyReplaced_ReturnsTheStoredPairWithoutAskingTheOAuthServer()
    {
        var service = await StartServiceAsync();
        var stores = PortalStores.Of(service);
        await service.SaveUnpolledAsync(Install(service, "m1", "one.bitrix24.com"));
        var spent = new List<string>();

        var result = await stores.Tokens.RefreshTokensAsync("m1", "an-older-access-token", Answer(spent, "m1", "access-2", "refresh-2"), Ct);

        Assert.Equal(TokenRefreshOutcome.AlreadyRefreshed, result.Outcome);
        Assert.Equal("access-m1", result.Credentials!.AccessToken);
        Assert.Empty(spent);
    }

    [Fact]
    public async Task ARefusedRefreshToken_ParksThePortalAsNeedsReauth()
    {
        var service = await StartServiceAsync();
        var stores = PortalStores.Of(service);
        await service.SaveUnpolledAsync(Install(service, "m1", "one.bitrix24.com"));

        var result = await stores.Tokens.RefreshTokensAsync("m1", "access-m1", (_, _) => Task.FromResult(TokenGrant.Failed("invalid_grant")), Ct);

        Assert.Equal((TokenRefreshOutcome.NeedsReauth, "invalid_grant"), (result.Outcome, result.Error));
        Assert.Equal(PortalStatus.NeedsReauth, (await stores.Registry.FindAsync("m1", Ct))!.Status);
        var spent = new List<string>();
        var again = await stores.Tokens.RefreshTokensAsync("m1", "access-m1", Answer(spent, "m1", "access-2", "refresh-2"), Ct);
        Assert.Equal(TokenRefreshOutcome.NeedsReauth, again.Outcome);
        Assert.Empty(spent);
    }

    [Theory]
    [InlineData("timeout")]
    [InlineData("temporarily_unavailable")]
    [InlineData(null)]
    public async Task AFailedRefresh_ChangesNothing(string? error)
    {
        var service = await StartServiceAsync();
        var stores = PortalStores.Of(service);
        await service.SaveUnpolledAsync(Install(service, "m1", "one.bitrix24.com"));
        // No error code: an answer that names another portal.
        var answer = error is null
            ? new TokenGrant("someone-else", "access-x", "refresh-x", TimeSpan.FromHours(1), null)
            : TokenGrant.Failed(error);

        var result = await stores.Tokens.RefreshTokensAsync("m1", "access-m1", (_, _) => Task.FromResult(answer), Ct);

        Assert.Equal(TokenRefreshOutcome.Failed, result.Outcome);
        Assert.Null(result.Credentials);
        Assert.Equal(new PortalCredentials("m1", new Uri("https://one.bitrix24.com/rest/"), "access-m1", PortalStatus.Active), await stores.Tokens.ReadCredentialsAsync("m1", Ct));
    }

    [Fact]
    public async Task ARefreshThatThrows_ChangesNothingAndReleasesThePortal()
    {
        var service = await StartServiceAsync();
        var stores = PortalStores.Of(service);
        await service.SaveUnpolledAsync(Install(service, "m1", "one.bitrix24.com"));

        await Assert.ThrowsAsync<HttpRequestException>(() =>
            stores.Tokens.RefreshTokensAsync("m1", "access-m1", (_, _) => throw new HttpRequestException("connection reset"), Ct));

        var spent = new List<string>();
        var result = await stores.Tokens.RefreshTokensAsync("m1", "access-m1", Answer(spent, "m1", "access-2", "refresh-2"), Ct);
        Assert.Equal(TokenRefreshOutcome.Refreshed, result.Outcome);
        Assert.Equal(["refresh-m1"], spent);
    }

    [Fact]
    public async Task UnknownAndUninstalledPortals_NeedReauthWithoutAskingTheOAuthServer()
    {
        var service = await StartServiceAsync();
        var stores = PortalStores.Of(service);
        await service.SaveUnpolledAsync(Install(service, "m1", "one.bitrix24.com"));
        await stores.Registry.MarkUninstalledAsync("m1", Ct);
        var spent = new List<string>();

        var unknown = await stores.Tokens.RefreshTokensAsync("nobody", "access", Answer(spent, "nobody", "a", "r"), Ct);
        var uninstalled = await stores.Tokens.RefreshTokensAsync("m1", "access-m1", Answer(spent, "m1", "a", "r"), Ct);

        Assert.Equal(TokenRefreshOutcome.NeedsReauth, unknown.Outcome);
        Assert.Equal(TokenRefreshOutcome.NeedsReauth, uninstalled.Outcome);
        Assert.Empty(spent);
        Assert.Equal(PortalStatus.Uninstalled, (await stores.Registry.FindAsync("m1", Ct))!.Status);
    }

    [Fact]
    public async Task FiftyConcurrentRefreshesOfOneStaleTokenOnTwoInstances_RefreshExactlyOnce()
    {
        var first = await StartServiceAsync();
        var second = await StartServiceAsync();
        await first.SaveUnpolledAsync(Install(first, "m1", "one.bitrix24.com"));
        var spent = new List<string>();
        var refresh = Answer(spent, "m1", "access-2", "refresh-2");

        var results = await Task.WhenAll(Enumerable.Range(0, 50).Select(i =>
            (i % 2 == 0 ? first : second).Get<IPortalTokenStore>().RefreshTokensAsync("m1", "access-m1", refresh, Ct)));

        Assert.Equal(["refresh-m1"], spent);
        Assert.Single(results, r => r.Outcome == TokenRefreshOutcome.Refreshed);
        Assert.All(results, r => Assert.Equal("access-2", r.Credentials?.AccessToken));
        Assert.Equal("access-2", (await second.Get<IPortalTokenStore>().ReadCredentialsAsync("m1", Ct))!.AccessToken);
    }

    /// <summary>An OAuth server that records the refresh tokens it was given and answers with a new pair.</summary>
    [Fact]
    public async Task WhileTheOAuthServerIsAsked_NoTransactionIsOpen_AndThePortalsRowIsWritable()
    {
        var service = await StartServiceAsync();
        var stores = PortalStores.Of(service);
        await service.SaveUnpolledAsync(Install(service, "m1", "one.bitrix24.com"));
        long? writtenDuringTheCall = null;
        long? openTransactions = null;

        var result = await stores.Tokens.RefreshTokensAsync(
            "m1",
            "access-m1",
            async (refreshToken, _) =>
            {
                // The OAuth call: a lock or transaction held across it would keep this write waiting (and fail it here).
                writtenDuringTheCall = await Target.ScalarAsync("UPDATE portals SET updated_at = updated_at WHERE member_id = 'm1' RETURNING 1;")
                    .WaitAsync(TimeSpan.FromSeconds(10), Ct);
                if (Target is PostgresTarget)
                {
                    // The OAuth server takes its time: a transaction held across the call is idle in it all along,
                    // while the service's own work (a claim of the safety net) is idle only between its statements.
                    await Task.Delay(TimeSpan.FromMilliseconds(600), Ct);
                    openTransactions = await Target.ScalarAsync(
                        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() " +
                        "AND state LIKE 'idle in transaction%' AND state_change < clock_timestamp() - interval '500 milliseconds';");
                }

                return new TokenGrant("m1", "access-2", "refresh-2", TimeSpan.FromHours(1), null);
            },
            Ct);

        Assert.Equal(TokenRefreshOutcome.Refreshed, result.Outcome);
        Assert.Equal(1, writtenDuringTheCall);
        Assert.True(openTransactions is null or 0, $"{openTransactions} transactions open during the OAuth call");
        Assert.Equal("access-2", (await stores.Tokens.ReadCredentialsAsync("m1", Ct))!.AccessToken);
    }

    private static Func<string, CancellationToken, Task<TokenGrant>> Answer(List<string> spent, string memberId, string access, string refresh) =>
        async (refreshToken, _) =>
        {
            lock (spent)
            {
                spent.Add(refreshToken);
            }

            // Give way while "the OAuth server answers", so concurrent callers really overlap.
            await Task.Yield();
            return new TokenGrant(memberId, access, refresh, TimeSpan.FromHours(1), null);
        };
}
