using System.Globalization;
using Bitrix24OfflineSync.Emulator.Portals;

namespace Bitrix24OfflineSync.Emulator.Crm;

/// <summary>
/// What an activity may be bound to: any CRM object of a type the portal has (classic, invoice, smart process), named
/// as <c>CCrmOwnerType::ResolveName</c> names it in errors (<c>DEAL</c>, <c>SMART_INVOICE</c>, <c>DYNAMIC_1030</c>).
/// Callers hold the portal's lock.
/// </summary>
internal static class CrmOwners
{
    public static string? Name(EmulatedPortal portal, long typeId) => typeId switch
    {
        1 => "LEAD",
        2 => "DEAL",
        3 => "CONTACT",
        4 => "COMPANY",
        SmartProcessType.InvoiceEntityTypeId => "SMART_INVOICE",
        _ when typeId is > 0 and < int.MaxValue && portal.SmartProcesses.Table((int)typeId) is not null =>
            "DYNAMIC_" + typeId.ToString(CultureInfo.InvariantCulture),
        _ => null,
    };

    public static bool Exists(EmulatedPortal portal, long typeId, long id) =>
        Items(portal, typeId) is { } items && items.Rows.ContainsKey(id);

    /// <summary>The object's responsible user, which an activity added without one inherits; 0 when there is none.</summary>
    public static long Responsible(EmulatedPortal portal, long typeId, long id)
    {
        if (Items(portal, typeId) is not { } items || !items.Rows.TryGetValue(id, out var row))
        {
            return 0;
        }

        return FieldValues.IntVal(row["ASSIGNED_BY_ID"] ?? row["assignedById"]);
    }

    private static IItemSet? Items(EmulatedPortal portal, long typeId) =>
        typeId is > 0 and < int.MaxValue ? portal.SmartProcesses.Items((int)typeId) : null;
}
