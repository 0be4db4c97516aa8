using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Emulator.Rest;

namespace Bitrix24OfflineSync.Emulator.Tests.Infrastructure;

/// <summary>Methods registered by the core tests, so the pipeline is tested without the real methods' behaviour.</summary>
internal static class TestMethods
{
    public const string Echo = "test.echo";
    public const string Increment = "test.increment";

    /// <summary>Answers the parameters it received, after the server took the auth keys out.</summary>
    public static void AddEcho(BitrixWorld world, string name = Echo, string? scope = null) =>
        world.Methods.Add(name, scope, ctx => ctx.Parameters.DeepClone());

    /// <summary>A modifying method: each call that runs adds one to the returned counter.</summary>
    public static Counter AddIncrement(BitrixWorld world, string name = Increment)
    {
        var counter = new Counter();
        world.Methods.Add(name, null, _ => JsonValue.Create(counter.Increment()));
        return counter;
    }

    /// <summary>Answers what <paramref name="answer"/> returns, or throws what it throws.</summary>
    public static void Add(BitrixWorld world, string name, Func<MethodContext, MethodResult> answer) =>
        world.Methods.Add(name, null, ctx => answer(ctx));
}

internal sealed class Counter
{
    private int _value;

    public int Value => Volatile.Read(ref _value);

    public int Increment() => Interlocked.Increment(ref _value);
}
