using System.Diagnostics.CodeAnalysis;
using System.Reflection;

namespace Bitrix24OfflineSync.Tests.Sync.Drain;

/// <summary>
/// A dependency the real types under test take but a reservation round never calls (the sink's field lists, the
/// fleet's gauges): any call fails the test, so a round that starts to need one says so.
/// </summary>
[SuppressMessage("Performance", "CA1852", Justification = "DispatchProxy derives the proxy from it: it must not be sealed.")]
internal class Unused<T> : DispatchProxy
    where T : class
{
    public static T Instance { get; } = Create<T, Unused<T>>();

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) =>
        throw new NotSupportedException($"{typeof(T).Name}.{targetMethod?.Name} is not used by a reservation round");
}
