using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Emulator.Portals;

namespace Bitrix24OfflineSync.Emulator.Rest;

/// <summary>
/// One server hit: an HTTP request, or one change made by a portal user. Events raised during the hit are written to
/// the offline queue and delivered in the background after it has answered, as the server does in its finalize step.
/// </summary>
public sealed class HitContext(BitrixWorld world, EmulatedPortal portal, Caller caller)
{
    private readonly List<RaisedEvent> _events = [];
    private long _processingTicks;

    public BitrixWorld World { get; } = world;

    public EmulatedPortal Portal { get; } = portal;

    public Caller Caller { get; } = caller;

    public DateTimeOffset StartedAt { get; } = world.Time.GetUtcNow();

    /// <summary>One number per hit: every call of a batch request carries its request's.</summary>
    public long RequestId { get; } = world.NextRequestId();

    /// <summary>The server processing the cloud profile charged the hit's commands so far (a batch: their sum).</summary>
    public TimeSpan Processing => TimeSpan.FromTicks(Interlocked.Read(ref _processingTicks));

    internal void AddProcessing(TimeSpan cost) => Interlocked.Add(ref _processingTicks, cost.Ticks);

    public IReadOnlyList<RaisedEvent> Events
    {
        get
        {
            lock (_events)
            {
                return [.. _events];
            }
        }
    }

    public void Raise(string eventName, JsonNode data)
    {
        lock (_events)
        {
            _events.Add(new RaisedEvent(eventName.ToUpperInvariant(), data, Caller));
        }
    }
}

/// <summary>An event raised by a modifying call: its upper-case name, its <c>data</c>, and who caused it.</summary>
public sealed record RaisedEvent(string Name, JsonNode Data, Caller Caller);
