using Bitrix24OfflineSync.Sync.Drain;

namespace Bitrix24OfflineSync.Tests.Sync.Drain;

/// <summary>A plan with reservations, which records what the round tells it.</summary>
internal sealed class RecordingPlans : IPortalPlans
{
    public List<string> Lost { get; } = [];

    public List<string> Forgotten { get; } = [];

    public Task<bool> HasExtendedAsync(string memberId, CancellationToken cancellationToken) => Task.FromResult(!Lost.Contains(memberId));

    public Task LostExtendedAsync(string memberId, CancellationToken cancellationToken)
    {
        Lost.Add(memberId);
        return Task.CompletedTask;
    }

    public void Forget(string memberId) => Forgotten.Add(memberId);
}
