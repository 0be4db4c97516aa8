using System.Globalization;
using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Emulator.Portals;

namespace Bitrix24OfflineSync.Emulator.Crm;

/// <summary>
/// The portal's CRM status lists, as <c>crm.status.list</c> answers them (crm-status-list.md): deal stages
/// (<c>DEAL_STAGE</c>, and <c>DEAL_STAGE_{id}</c> per extra pipeline, whose stages are <c>C{id}:WON</c> and so on),
/// lead statuses (<c>STATUS</c>), sources, types, industries, salutations, each smart process's stages
/// (<c>DYNAMIC_{entityTypeId}_STAGE_{categoryId}</c>, <c>DT1030_7:NEW</c>) and the invoices'
/// (<c>SMART_INVOICE_STAGE_{categoryId}</c>). A new portal has the lists a new Bitrix24 has.
/// </summary>
public sealed class StatusStore
{
    private static readonly (string List, string Id, string Name, string? Semantics)[] Defaults =
    [
        ("DEAL_STAGE", "NEW", "New", null), ("DEAL_STAGE", "PREPARATION", "Preparing documents", null),
        ("DEAL_STAGE", "PREPAYMENT_INVOICE", "Prepayment invoice", null), ("DEAL_STAGE", "EXECUTING", "In progress", null),
        ("DEAL_STAGE", "FINAL_INVOICE", "Final invoice", null), ("DEAL_STAGE", "WON", "Deal won", "S"),
        ("DEAL_STAGE", "LOSE", "Deal lost", "F"), ("DEAL_STAGE", "APOLOGY", "Analyze failure", "F"),
        ("STATUS", "NEW", "Unassigned", null), ("STATUS", "IN_PROCESS", "In progress", null), ("STATUS", "PROCESSED", "Processed", null),
        ("STATUS", "JUNK", "Junk lead", "F"), ("STATUS", "CONVERTED", "Good lead", "S"),
        ("SOURCE", "CALL", "Call", null), ("SOURCE", "EMAIL", "E-mail", null), ("SOURCE", "WEB", "Website", null),
        ("SOURCE", "ADVERTISING", "Advertising", null), ("SOURCE", "PARTNER", "Existing client", null),
        ("SOURCE", "RECOMMENDATION", "By recommendation", null), ("SOURCE", "TRADE_SHOW", "Show/Exhibition", null),
        ("SOURCE", "WEBFORM", "CRM form", null), ("SOURCE", "CALLBACK", "Callback", null), ("SOURCE", "SELF", "Own contact", null),
        ("SOURCE", "OTHER", "Other", null),
        ("DEAL_TYPE", "SALE", "Sales", null), ("DEAL_TYPE", "COMPLEX", "Complex sale", null), ("DEAL_TYPE", "GOODS", "Merchandise sale", null),
        ("DEAL_TYPE", "SERVICES", "Service sale", null), ("DEAL_TYPE", "SERVICE", "After-sales service", null),
        ("CONTACT_TYPE", "CLIENT", "Clients", null), ("CONTACT_TYPE", "SUPPLIER", "Suppliers", null),
        ("CONTACT_TYPE", "PARTNER", "Partners", null), ("CONTACT_TYPE", "OTHER", "Other", null),
        ("COMPANY_TYPE", "CUSTOMER", "Client", null), ("COMPANY_TYPE", "SUPPLIER", "Supplier", null),
        ("COMPANY_TYPE", "COMPETITOR", "Competitor", null), ("COMPANY_TYPE", "PARTNER", "Partner", null), ("COMPANY_TYPE", "OTHER", "Other", null),
        ("INDUSTRY", "IT", "Information Technology", null), ("INDUSTRY", "TELECOM", "Telecommunication", null),
        ("INDUSTRY", "MANUFACTURING", "Manufacturing", null), ("INDUSTRY", "BANKING", "Banking Services", null),
        ("INDUSTRY", "CONSULTING", "Consulting", null), ("INDUSTRY", "FINANCE", "Finance", null), ("INDUSTRY", "OTHER", "Other", null),
        ("EMPLOYEES", "EMPLOYEES_1", "fewer than 50", null), ("EMPLOYEES", "EMPLOYEES_2", "50-250", null),
        ("EMPLOYEES", "EMPLOYEES_3", "250-500", null), ("EMPLOYEES", "EMPLOYEES_4", "over 500", null),
        ("HONORIFIC", "HNR_EN_1", "Mr.", null), ("HONORIFIC", "HNR_EN_2", "Mrs.", null), ("HONORIFIC", "HNR_EN_3", "Ms.", null),
        ("HONORIFIC", "HNR_EN_4", "Dr.", null),
    ];

    private static readonly (string Id, string Name, string? Semantics)[] PipelineStages =
        [("NEW", "New", null), ("PREPARATION", "Preparing documents", null), ("EXECUTING", "In progress", null), ("WON", "Deal won", "S"), ("LOSE", "Deal lost", "F")];

    private static readonly (string Id, string Name, string? Semantics)[] ItemStages =
        [("NEW", "New", null), ("PREPARATION", "Preparation", null), ("CLIENT", "Awaiting client", null), ("SUCCESS", "Success", "S"), ("FAIL", "Failed", "F")];

    private static readonly (string Id, string Name, string? Semantics)[] InvoiceStages =
        [("N", "New", null), ("S", "Sent to client", null), ("P", "Paid", "S"), ("D", "Declined", "F")];

    private readonly EmulatedPortal _portal;
    private readonly List<(string List, string Id, string Name, string? Semantics, int? CategoryId)> _added = [];

    internal StatusStore(EmulatedPortal portal) => _portal = portal;

    /// <summary>Adds a deal pipeline: its stages are <c>C{categoryId}:NEW</c> … <c>C{categoryId}:WON</c>, in the list <c>DEAL_STAGE_{categoryId}</c>.</summary>
    public void AddDealCategory(int categoryId)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(categoryId);
        lock (_portal.Sync)
        {
            var prefix = $"C{categoryId.ToString(CultureInfo.InvariantCulture)}:";
            _added.AddRange(PipelineStages.Select(s => ($"DEAL_STAGE_{categoryId.ToString(CultureInfo.InvariantCulture)}", prefix + s.Id, s.Name, s.Semantics, (int?)categoryId)));
        }
    }

    /// <summary>Adds a status to a list (a custom stage, say); <paramref name="semantics"/> <c>S</c> is a success, <c>F</c> a failure.</summary>
    public void Add(string list, string statusId, string name, string? semantics = null)
    {
        lock (_portal.Sync)
        {
            _added.Add((list, statusId, name, semantics, null));
        }
    }

    /// <summary>
    /// The semantics of a status of a list or of its pipelines' lists (<c>DEAL_STAGE</c> covers <c>DEAL_STAGE_2</c>):
    /// <c>S</c> a success, <c>F</c> a failure, null in progress or unknown. Callers hold the portal's lock.
    /// </summary>
    internal string? Semantics(string list, string? statusId) =>
        statusId is null
            ? null
            : Defaults.Select(d => (d.List, d.Id, d.Semantics)).Concat(_added.Select(a => (a.List, a.Id, a.Semantics)))
                .FirstOrDefault(s => s.Id == statusId && (s.List == list || s.List.StartsWith(list + "_", StringComparison.Ordinal))).Semantics;

    /// <summary>Every status as <c>crm.status.list</c> answers it, numbered in list order; callers hold the portal's lock.</summary>
    internal KeyedRows Rows()
    {
        var rows = new KeyedRows();
        var all = Defaults.Select(d => (d.List, d.Id, d.Name, d.Semantics, CategoryId: (int?)null))
            .Concat(_added)
            .Concat(_portal.SmartProcesses.Listed(withInvoices: true).SelectMany(TypeStages));
        foreach (var group in all.GroupBy(s => s.List, StringComparer.Ordinal))
        {
            var sort = 0;
            foreach (var (list, id, name, semantics, categoryId) in group)
            {
                sort += 10;
                rows.Add(rows.Count + 1, Row(rows.Count + 1, list, id, name, sort, semantics, categoryId));
            }
        }

        return rows;
    }

    private static IEnumerable<(string List, string Id, string Name, string? Semantics, int? CategoryId)> TypeStages(SmartProcessType type)
    {
        var list = ItemFieldSpecs.StageList(type);
        var prefix = $"DT{type.EntityTypeId.ToString(CultureInfo.InvariantCulture)}_{type.DefaultCategoryId.ToString(CultureInfo.InvariantCulture)}:";
        return (type.IsInvoice ? InvoiceStages : ItemStages).Select(s => (list, prefix + s.Id, s.Name, s.Semantics, (int?)type.DefaultCategoryId));
    }

    private static JsonObject Row(long id, string list, string statusId, string name, int sort, string? semantics, int? categoryId)
    {
        var color = semantics switch { "S" => "#7BD500", "F" => "#FF5752", _ => "#39A8EF" };
        return new JsonObject
        {
            ["ID"] = id.ToString(CultureInfo.InvariantCulture),
            ["ENTITY_ID"] = list,
            ["STATUS_ID"] = statusId,
            ["NAME"] = name,
            ["NAME_INIT"] = name,
            ["SORT"] = sort.ToString(CultureInfo.InvariantCulture),
            ["SYSTEM"] = semantics is null ? "N" : "Y",
            ["CATEGORY_ID"] = categoryId?.ToString(CultureInfo.InvariantCulture),
            ["COLOR"] = color,
            ["SEMANTICS"] = semantics,
            ["EXTRA"] = new JsonObject
            {
                ["SEMANTICS"] = semantics switch { "S" => "success", "F" => "failure", _ => "process" },
                ["COLOR"] = color,
            },
        };
    }
}
