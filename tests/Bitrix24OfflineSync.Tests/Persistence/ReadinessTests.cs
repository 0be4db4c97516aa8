using System.Data.Common;
using System.Net;
using Bitrix24OfflineSync.Persistence;
using Bitrix24OfflineSync.TestKit;
using Bitrix24OfflineSync.Tests.Infrastructure;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Time.Testing;

namespace Bitrix24OfflineSync.Tests.Persistence;

/// <summary>
/// Readiness asks the database at most once in <see cref="DatabaseHealthCheck.Fresh"/>, however often it is probed:
/// a flood of <c>GET /health/ready</c> on the public port is no flood of queries.
/// </summary>
public sealed class ReadinessTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ManyProbes_WithinTheWindow_AskTheDatabaseOnce_AndTheNextWindowAsksAgain()
    {
        var database = new CountingDatabase();
        var clock = new FakeTimeProvider(TestClock.Start);
        var check = new DatabaseHealthCheck(database, clock);

        for (var i = 0; i < 1000; i++)
        {
            Assert.Equal(HealthStatus.Healthy, (await check.CheckHealthAsync(new HealthCheckContext(), Ct)).Status);
        }

        Assert.Equal(1, database.Queries);
        clock.Advance(DatabaseHealthCheck.Fresh);
        database.Fail = true;
        Assert.Equal(HealthStatus.Unhealthy, (await check.CheckHealthAsync(new HealthCheckContext(), Ct)).Status);
        Assert.Equal(HealthStatus.Unhealthy, (await check.CheckHealthAsync(new HealthCheckContext(), Ct)).Status);
        Assert.Equal(2, database.Queries);
    }

    [Fact]
    public async Task ProbesArrivingWhileTheDatabaseIsAsked_ShareTheOneQuery()
    {
        var database = new CountingDatabase { Gate = new TaskCompletionSource() };
        var check = new DatabaseHealthCheck(database, new FakeTimeProvider(TestClock.Start));

        var probes = Enumerable.Range(0, 50).Select(_ => check.CheckHealthAsync(new HealthCheckContext(), Ct)).ToList();
        database.Gate.SetResult();
        var results = await Task.WhenAll(probes);

        Assert.All(results, r => Assert.Equal(HealthStatus.Healthy, r.Status));
        Assert.Equal(1, database.Queries);
    }

    [Fact]
    public async Task ReadyOnThePublicPort_AnswersFromTheSameCheck()
    {
        await using var service = await ServiceHarness.StartAsync(world: null);

        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(async _ =>
        {
            using var response = await service.Http.GetAsync(new Uri("health/ready", UriKind.Relative), Ct);
            return response.StatusCode;
        }));

        Assert.All(answers, status => Assert.Equal(HttpStatusCode.OK, status));
    }

    /// <summary>A database that counts the work it is given and does none; it fails when told to, and can hold the work back.</summary>
    private sealed class CountingDatabase : ISqlDatabase
    {
        private int _queries;

        public int Queries => Volatile.Read(ref _queries);

        public bool Fail { get; set; }

        public TaskCompletionSource? Gate { get; init; }

        public bool SharedByReplicas => false;

        public string ByteOrder => "";

        public string RowLock => "";

        public string SharedRowLock => "";

        public string SkipLocked => "";

        public string AnyOf(string column, string parameter) => throw new NotSupportedException();

        public async Task<T> RunAsync<T>(Func<DbConnection, Task<T>> work, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _queries);
            if (Gate is not null)
            {
                await Gate.Task;
            }

            return Fail ? throw new StorageUnavailableException("no database", new IOException("gone")) : default!;
        }

        public Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<int> ExecuteEachAsync(DbConnection connection, DbTransaction transaction, string sql, IEnumerable<object?[]> rows, CancellationToken cancellationToken) =>
            throw new NotSupportedException();

        public object TimeValue(DateTimeOffset value) => throw new NotSupportedException();

        public DateTimeOffset? ReadTime(object? value) => throw new NotSupportedException();

        public string JsonParameter(string parameter) => throw new NotSupportedException();

        public string Literal(string text) => throw new NotSupportedException();

        public string JsonText(string column, string key) => throw new NotSupportedException();

        public string JsonValue(string column, string key) => throw new NotSupportedException();

        public string TryConvert(string text, SqlScalar type) => throw new NotSupportedException();

        public string? ColumnComment(string view, string column, string comment) => throw new NotSupportedException();
    }
}
