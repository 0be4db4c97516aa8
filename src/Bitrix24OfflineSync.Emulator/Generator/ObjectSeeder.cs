using System.Globalization;
using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Emulator.Crm;
using Bitrix24OfflineSync.Emulator.Portals;

namespace Bitrix24OfflineSync.Emulator.Generator;

/// <summary>
/// Objects a portal had before an app was installed: realistic values, IDs in creation order, creation dates spread
/// over the year before now and the last change somewhere since. They are written straight into the store under the
/// portal's lock, with no method call, event, queue row or doorbell per object, so a hundred thousand take seconds.
/// </summary>
internal sealed class ObjectSeeder(EmulatedPortal portal, Random random)
{
    private const int Users = 5;

    private static readonly TimeSpan History = TimeSpan.FromDays(365);

    private static readonly string[] FirstNames = ["Anna", "Boris", "Chloe", "Dmitry", "Elena", "Farid", "Grace", "Hiro", "Irina", "James", "Kate", "Leon", "Maria", "Nikolai", "Olga", "Pavel"];
    private static readonly string[] LastNames = ["Smith", "Ivanova", "Garcia", "Petrov", "Chen", "Kowalski", "Novak", "Schmidt", "Rossi", "Tanaka", "Silva", "Kuznetsov", "Dubois", "Larsen"];
    private static readonly string[] CompanyWords = ["Northwind", "Blue Harbor", "Granite", "Silverline", "Redwood", "Apex", "Meridian", "Polar", "Sunrise", "Ironbridge", "Evergreen", "Lumen"];
    private static readonly string[] CompanyKinds = ["Logistics", "Software", "Foods", "Consulting", "Motors", "Media", "Pharma", "Textiles", "Energy", "Retail"];
    private static readonly string[] CompanySuffixes = ["LLC", "Ltd", "Inc.", "GmbH", "Group"];
    private static readonly string[] Products = ["Annual licence", "Website redesign", "Fleet service", "Office supplies", "Cloud migration", "Training course", "Support contract", "Equipment lease"];
    private static readonly string[] Posts = ["Sales manager", "CEO", "Procurement lead", "Accountant", "CTO", "Office manager", "Marketing director"];
    private static readonly string[] Sources = ["CALL", "EMAIL", "WEB", "ADVERTISING", "PARTNER", "RECOMMENDATION", "TRADE_SHOW"];
    private static readonly string[] DealStages = ["NEW", "PREPARATION", "PREPAYMENT_INVOICE", "EXECUTING", "FINAL_INVOICE", "WON", "LOSE"];
    private static readonly string[] DealTypes = ["SALE", "COMPLEX", "GOODS", "SERVICES", "SERVICE"];
    private static readonly string[] LeadStatuses = ["NEW", "IN_PROCESS", "PROCESSED", "JUNK", "CONVERTED"];
    private static readonly string[] CompanyTypes = ["CUSTOMER", "SUPPLIER", "PARTNER", "COMPETITOR", "OTHER"];
    private static readonly string[] Industries = ["IT", "TELECOM", "MANUFACTURING", "BANKING", "CONSULTING", "FINANCE", "DELIVERY", "ENTERTAINMENT", "OTHER"];
    private static readonly string[] Currencies = ["USD", "USD", "USD", "EUR", "RUB"];
    private static readonly string[] TaskVerbs = ["Call", "Prepare", "Review", "Send", "Update", "Check", "Schedule", "Draft"];
    private static readonly string[] TaskObjects = ["the quarterly report", "a price offer", "the contract", "the invoice", "a demo", "the delivery plan", "meeting notes"];

    /// <summary>Seeds <paramref name="count"/> objects of <paramref name="entity"/>; their IDs follow one another.</summary>
    public SeededObjects Seed(GeneratorEntity entity, int count)
    {
        lock (portal.Sync)
        {
            var now = portal.World.Time.GetUtcNow();
            var companies = entity.CrmType is CrmEntityType.Deal or CrmEntityType.Contact ? portal.Crm.Ids(CrmEntityType.Company) : [];
            var contacts = entity.CrmType is CrmEntityType.Deal ? portal.Crm.Ids(CrmEntityType.Contact) : [];
            var universal = new UniversalSeeder(portal, random);
            Func<DateTimeOffset, DateTimeOffset, int, long>? add = entity switch
            {
                { EntityTypeId: { } typeId } => universal.Items(typeId),
                { IsActivity: true } => universal.Activities(),
                _ => null,
            };
            long first = 0;
            long last = 0;
            for (var i = 0; i < count; i++)
            {
                // Older objects have lower IDs, as on a portal that grew over time; half were edited since.
                var created = now - History + (History * ((i + 1.0) / (count + 1)));
                var modified = random.Next(2) == 0 ? created : created + ((now - created) * random.NextDouble());
                var user = 1 + random.Next(Users);
                last = add is not null ? add(created, modified, user)
                    : entity.CrmType is { } type ? portal.Crm.AddExisting(type, CrmFields(type, companies, contacts), user, created, modified)
                    : portal.Tasks.AddExisting(TaskFields(created), user, created, modified);
                first = i == 0 ? last : first;
            }

            return new SeededObjects(entity.CanonicalName, count, first, last);
        }
    }

    private JsonObject CrmFields(CrmEntityType type, IReadOnlyList<long> companies, IReadOnlyList<long> contacts)
    {
        var (firstName, lastName) = (Pick(FirstNames), Pick(LastNames));
        var company = $"{Pick(CompanyWords)} {Pick(CompanyKinds)} {Pick(CompanySuffixes)}";
        var fields = new JsonObject { ["ASSIGNED_BY_ID"] = 1 + random.Next(Users), ["SOURCE_ID"] = Pick(Sources) };
        switch (type)
        {
            case CrmEntityType.Deal:
                var stage = Pick(DealStages);
                fields["TITLE"] = $"{Pick(Products)} for {company}";
                fields["TYPE_ID"] = Pick(DealTypes);
                fields["STAGE_ID"] = stage;
                fields["CLOSED"] = stage is "WON" or "LOSE" ? "Y" : "N";
                fields["OPPORTUNITY"] = Money();
                fields["CURRENCY_ID"] = Pick(Currencies);
                Link(fields, "COMPANY_ID", companies);
                Link(fields, "CONTACT_ID", contacts);
                break;
            case CrmEntityType.Contact:
                fields["NAME"] = firstName;
                fields["LAST_NAME"] = lastName;
                fields["POST"] = Pick(Posts);
                fields["TYPE_ID"] = Pick(CompanyTypes) == "SUPPLIER" ? "SUPPLIER" : "CLIENT";
                Communications(fields, Email(firstName, lastName));
                Link(fields, "COMPANY_ID", companies);
                break;
            case CrmEntityType.Company:
                fields["TITLE"] = company;
                fields["COMPANY_TYPE"] = Pick(CompanyTypes);
                fields["INDUSTRY"] = Pick(Industries);
                fields["EMPLOYEES"] = $"EMPLOYEES_{1 + random.Next(4)}";
                fields["REVENUE"] = Money();
                Communications(fields, $"info@{Domain(company)}");
                fields["WEB"] = new JsonArray(new JsonObject { ["VALUE"] = $"https://{Domain(company)}", ["VALUE_TYPE"] = "WORK" });
                break;
            default:
                fields["TITLE"] = $"{fields["SOURCE_ID"]} lead: {firstName} {lastName}";
                fields["NAME"] = firstName;
                fields["LAST_NAME"] = lastName;
                fields["COMPANY_TITLE"] = company;
                fields["STATUS_ID"] = Pick(LeadStatuses);
                fields["OPPORTUNITY"] = Money();
                Communications(fields, Email(firstName, lastName));
                break;
        }

        return fields;
    }

    private JsonObject TaskFields(DateTimeOffset created) => new()
    {
        ["TITLE"] = $"{Pick(TaskVerbs)} {Pick(TaskObjects)}",
        ["DESCRIPTION"] = "Follow up with the client and note the outcome.",
        ["RESPONSIBLE_ID"] = 1 + random.Next(Users),
        ["PRIORITY"] = random.Next(3),
        ["STATUS"] = random.Next(3) switch { 0 => "2", 1 => "3", _ => "5" },
        ["DEADLINE"] = portal.FormatTime(created + TimeSpan.FromDays(1 + random.Next(30))),
    };

    private void Communications(JsonObject fields, string email)
    {
        fields["PHONE"] = new JsonArray(new JsonObject { ["VALUE"] = $"+1555{random.Next(1_000_000, 9_999_999)}", ["VALUE_TYPE"] = "WORK" });
        fields["EMAIL"] = new JsonArray(new JsonObject { ["VALUE"] = email, ["VALUE_TYPE"] = "WORK" });
    }

    /// <summary>Links to a random earlier object, when there is one.</summary>
    private void Link(JsonObject fields, string field, IReadOnlyList<long> ids)
    {
        if (ids.Count > 0)
        {
            fields[field] = ids[random.Next(ids.Count)];
        }
    }

    private string Email(string firstName, string lastName) =>
        string.Create(CultureInfo.InvariantCulture, $"{firstName}.{lastName}{random.Next(1000)}@example.com").ToLowerInvariant();

    private static string Domain(string company) =>
        string.Concat(company.Split(' ')[..^1]).ToLowerInvariant() + ".example.com";

    private string Money() => (random.Next(10_000, 10_000_000) / 100m).ToString("0.00", CultureInfo.InvariantCulture);

    private string Pick(string[] values) => values[random.Next(values.Length)];
}
