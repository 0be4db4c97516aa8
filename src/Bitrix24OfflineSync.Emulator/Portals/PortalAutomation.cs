using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace Bitrix24OfflineSync.Emulator.Portals;

/// <summary>
/// Automation that runs synchronously inside the request of a REST update, as a robot or business process does on the
/// server: after <c>crm.{entity}.update</c> (or <c>crm.item.update</c> of the type) saves, the rule sets its fields in
/// the same request. Its change is raised in that request too, so the caller's app and connector skip it like the
/// update itself (bitrix24-api.md §15): only a read-back after the write shows it.
/// </summary>
public sealed class PortalAutomation
{
    private readonly ConcurrentDictionary<string, JsonObject> _onUpdate = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// From now on, every REST update of <paramref name="entity"/> (<c>crm.deal</c>, <c>crm.contact</c>,
    /// <c>crm.item.1032</c>…) also sets <paramref name="fields"/> (in the entity's own field names) in the same request.
    /// </summary>
    public void SetOnUpdate(string entity, JsonObject fields) => _onUpdate[entity] = (JsonObject)fields.DeepClone();

    public void Clear() => _onUpdate.Clear();

    internal JsonObject? OnUpdate(string entity) => _onUpdate.TryGetValue(entity, out var fields) ? (JsonObject)fields.DeepClone() : null;
}
