using Bitrix24OfflineSync.Sinks;

namespace Bitrix24OfflineSync.Tests.Sync.Drain;

/// <summary>A sink that takes every batch and keeps it; <see cref="OnCommit"/> runs while a batch commits.</summary>
internal sealed class RecordingSink : ISyncSink
{
    public string Name => "recording";

    public List<SinkBatch> Batches { get; } = [];

    public Action? OnCommit { get; set; }

    public Task<SinkCommitResult> CommitAsync(SinkBatch batch, CancellationToken cancellationToken)
    {
        Batches.Add(batch);
        OnCommit?.Invoke();
        return Task.FromResult(SinkCommitResult.Accepted);
    }

    public Task ForgetPortalAsync(string memberId, string? domain, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task FieldsReadAsync(bool changed, CancellationToken cancellationToken) => Task.CompletedTask;
}
