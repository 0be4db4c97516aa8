namespace Bitrix24OfflineSync.Sync.Resolution;

/// <summary>One configured event, <c>Sync:Mappings:{n}:...</c>.</summary>
internal sealed class MappingSettings
{
    /// <summary>The event name as the queue carries it, e.g. <c>ONCRMINVOICEUPDATE</c> (case does not matter).</summary>
    public string? Event { get; set; }

    /// <summary>The entity name changes carry, e.g. <c>crm.invoice</c>.</summary>
    public string? Entity { get; set; }

    /// <summary>Where the event's data keeps the object's id, dotted: <c>FIELDS.ID</c>.</summary>
    public string? IdPath { get; set; }

    /// <summary>The event deletes its object: a tombstone is made without a fetch.</summary>
    public bool Delete { get; set; }

    /// <summary>Reads one object; required unless <see cref="Delete"/>.</summary>
    public string? GetMethod { get; set; }

    public string GetIdParameter { get; set; } = "id";

    /// <summary>Where a get answer keeps the object; empty when the result is the object.</summary>
    public string? GetResultKey { get; set; }

    /// <summary>Reads objects by an id filter, 50 at a time; empty to fetch with single gets.</summary>
    public string? ListMethod { get; set; }

    /// <summary>Where a list answer keeps its rows; empty when the result is the rows.</summary>
    public string? ListResultKey { get; set; }

    public List<string> Select { get; set; } = [];

    /// <summary>The id's name in the list filter and in the rows (rows matched ignoring case).</summary>
    public string IdField { get; set; } = "ID";

    /// <summary>The field with the source's modification time (ISO 8601 with an offset); empty for none.</summary>
    public string? ModifiedField { get; set; } = "DATE_MODIFY";
}
