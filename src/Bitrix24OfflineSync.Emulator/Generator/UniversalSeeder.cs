using System.Globalization;
using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Emulator.Crm;
using Bitrix24OfflineSync.Emulator.Portals;

namespace Bitrix24OfflineSync.Emulator.Generator;

/// <summary>
/// The smart-process items, invoices and activities <see cref="ObjectSeeder"/> writes: realistic values, links to
/// companies and contacts that exist, activities about the portal's contacts, companies, deals and leads. Runs under
/// the portal's lock, inside the seeder's loop.
/// </summary>
internal sealed class UniversalSeeder(EmulatedPortal portal, Random random)
{
    private static readonly string[] Subjects = ["Renewal", "Delivery", "Onboarding", "Repair", "Audit", "Migration", "Training", "Upgrade"];
    private static readonly string[] Sources = ["CALL", "EMAIL", "WEB", "ADVERTISING", "PARTNER"];
    private static readonly string[] ItemStages = ["NEW", "PREPARATION", "CLIENT", "SUCCESS", "FAIL"];
    private static readonly string[] InvoiceStages = ["N", "S", "P", "D"];
    private static readonly string[] Topics = ["the offer", "the contract", "a delivery date", "the invoice", "a demo", "support"];

    // Whom seeded activities are about; the entity type IDs are the universal API's.
    private static readonly (CrmEntityType Type, int EntityTypeId)[] Owners =
        [(CrmEntityType.Contact, 3), (CrmEntityType.Company, 4), (CrmEntityType.Deal, 2), (CrmEntityType.Lead, 1)];

    /// <summary>Adds one item of <paramref name="entityTypeId"/> per call: (created, modified, user) → ID.</summary>
    public Func<DateTimeOffset, DateTimeOffset, int, long> Items(int entityTypeId)
    {
        var table = portal.SmartProcesses.Table(entityTypeId) ?? throw new ArgumentException($"No smart-process type {entityTypeId}.", nameof(entityTypeId));
        var companies = portal.Crm.Ids(CrmEntityType.Company);
        var contacts = portal.Crm.Ids(CrmEntityType.Contact);
        var stages = table.Type.IsInvoice ? InvoiceStages : ItemStages;
        return (created, modified, user) =>
        {
            var fields = new JsonObject
            {
                ["title"] = $"{Pick(Subjects)} {random.Next(1000, 9999).ToString(CultureInfo.InvariantCulture)}",
                ["stageId"] = $"DT{table.EntityTypeId.ToString(CultureInfo.InvariantCulture)}_{table.Type.DefaultCategoryId.ToString(CultureInfo.InvariantCulture)}:{Pick(stages)}",
                ["opportunity"] = random.Next(10_000, 10_000_000) / 100.0,
                ["sourceId"] = Pick(Sources),
                ["assignedById"] = user,
            };
            Link(fields, "companyId", companies);
            Link(fields, "contactId", contacts);
            return table.AddExisting(fields, user, created, modified);
        };
    }

    /// <summary>Adds one activity per call about a random contact, company, deal or lead; refuses a portal with none of them.</summary>
    public Func<DateTimeOffset, DateTimeOffset, int, long> Activities()
    {
        var owners = Owners.Select(o => (o.EntityTypeId, Ids: portal.Crm.Ids(o.Type))).Where(o => o.Ids.Count > 0).ToList();
        if (owners.Count == 0)
        {
            throw new InvalidOperationException(
                $"Portal {portal.Domain} has no contact, company, deal or lead to bind activities to: seed some of them first.");
        }

        return (created, modified, user) =>
        {
            var (ownerTypeId, ids) = owners[random.Next(owners.Count)];
            var ownerId = ids[random.Next(ids.Count)];
            var (typeId, kind, value, verb) = random.Next(3) switch
            {
                0 => (2, "PHONE", $"+1555{random.Next(1_000_000, 9_999_999)}", "Call about"),
                1 => (4, "EMAIL", $"client{random.Next(10_000)}@example.com", "E-mail on"),
                _ => (1, "", "Office", "Meeting on"),
            };
            var communication = new JsonObject
            {
                ["TYPE"] = kind,
                ["VALUE"] = value,
                ["ENTITY_ID"] = ownerId.ToString(CultureInfo.InvariantCulture),
                ["ENTITY_TYPE_ID"] = ownerTypeId.ToString(CultureInfo.InvariantCulture),
            };
            var start = created + TimeSpan.FromHours(random.Next(1, 72));
            var fields = new JsonObject
            {
                ["SUBJECT"] = $"{verb} {Pick(Topics)}",
                ["START_TIME"] = start.ToString("O", CultureInfo.InvariantCulture),
                ["END_TIME"] = (start + TimeSpan.FromMinutes(30)).ToString("O", CultureInfo.InvariantCulture),
                ["COMPLETED"] = start < modified ? "Y" : "N",
                ["DIRECTION"] = random.Next(1, 3),
                ["DESCRIPTION"] = "Follow up and note the outcome.",
            };
            var draft = new ActivityDraft(ownerTypeId, ownerId, user, typeId, [communication]);
            return portal.Activities.AddExisting(draft, fields, user, created, modified);
        };
    }

    private void Link(JsonObject fields, string field, IReadOnlyList<long> ids)
    {
        if (ids.Count > 0)
        {
            fields[field] = ids[random.Next(ids.Count)];
        }
    }

    private string Pick(string[] values) => values[random.Next(values.Length)];
}
