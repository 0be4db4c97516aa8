namespace Bitrix24OfflineSync.Emulator.Rest;

public delegate MethodResult RestMethod(MethodContext context);

/// <summary>A REST method: its handler and the scope an app needs to call it (null: global).</summary>
public sealed record MethodDescriptor(string Name, string? Scope, RestMethod Handler, bool AllowedInBatch = true);

/// <summary>The methods the emulator serves, by lower-case name.</summary>
public sealed class MethodRegistry
{
    private readonly Dictionary<string, MethodDescriptor> _methods = new(StringComparer.OrdinalIgnoreCase);

    public void Add(string name, string? scope, RestMethod handler, bool allowedInBatch = true) =>
        _methods[name] = new MethodDescriptor(name.ToLowerInvariant(), scope, handler, allowedInBatch);

    public MethodDescriptor? Find(string name) => _methods.GetValueOrDefault(name);

    public IEnumerable<string> Names => _methods.Keys;
}
