using System.Text.Json.Nodes;

namespace Bitrix24OfflineSync.Emulator.Crm;

/// <summary>
/// The items of one <c>entityTypeId</c> as <c>crm.item.*</c> sees them: a smart process's or the invoices' own table,
/// or a classic entity's (lead 1, deal 2, contact 3, company 4) shown in camelCase. Callers hold the portal's lock.
/// </summary>
internal interface IItemSet
{
    int EntityTypeId { get; }

    KeyedRows Rows { get; }

    /// <summary>The key's name in a stored row (<c>id</c>, or <c>ID</c> in a classic table).</summary>
    string IdField { get; }

    /// <summary>A caller's field name (camelCase, UPPER_CASE, either spelling of a user field) as stored; null when the type has no such field.</summary>
    string? Resolve(string name);

    /// <summary>A stored field's values as text, for filters and orders (several for a multiple field).</summary>
    IReadOnlyList<string?> Values(JsonObject row, string field);

    /// <summary>Projects stored rows as answers show them; <paramref name="select"/> null gives what <c>crm.item.get</c> gives.</summary>
    Func<JsonObject, JsonObject> Projector(ItemSelect? select, bool originalUfNames);

    long Add(JsonObject fields, int userId, DateTimeOffset now);

    /// <summary>False when there is no such item; <paramref name="changed"/> says whether a value changed (nothing is saved otherwise).</summary>
    bool Update(long id, JsonObject fields, int userId, DateTimeOffset now, out bool changed);

    bool Delete(long id);

    /// <summary>The event an add, update or delete of item <paramref name="id"/> raises, with its data.</summary>
    (string Name, JsonNode Data) Event(string action, long id);
}
