namespace Bitrix24OfflineSync.Emulator.Generator;

/// <summary>A change load: N objects, M changes per second, a mix of add/update/delete across CRM entities and tasks.</summary>
public sealed class ChangeGeneratorOptions
{
    /// <summary>How many objects the generator works on (created first, then changed).</summary>
    public int Objects { get; set; } = 100;

    public double ChangesPerSecond { get; set; } = 10;

    public double AddShare { get; set; } = 0.2;

    public double UpdateShare { get; set; } = 0.7;

    public double DeleteShare { get; set; } = 0.1;

    /// <summary>
    /// Which kinds of objects change: crm.deal, crm.contact, crm.company, crm.lead, task, and on request
    /// crm.item.{entityTypeId} (a smart process the portal has, or 31 for invoices) and crm.activity.
    /// </summary>
    public IList<string> Entities { get; init; } = ["crm.deal", "crm.contact", "crm.company", "crm.lead", "task"];

    public int? Seed { get; set; }
}
