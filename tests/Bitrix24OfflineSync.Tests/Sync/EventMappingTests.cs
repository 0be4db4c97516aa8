using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Sync.Resolution;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Bitrix24OfflineSync.Tests.Sync;

public sealed class EventMappingTests
{
    private static readonly Dictionary<string, string?> InvoiceMappings = new()
    {
        ["Sync:Mappings:0:Event"] = "onCrmInvoiceUpdate",
        ["Sync:Mappings:0:Entity"] = "crm.invoice",
        ["Sync:Mappings:0:IdPath"] = "FIELDS.ID",
        ["Sync:Mappings:0:GetMethod"] = "crm.invoice.get",
        ["Sync:Mappings:0:ListMethod"] = "crm.invoice.list",
        ["Sync:Mappings:0:Select:0"] = "*",
        ["Sync:Mappings:1:Event"] = "ONCRMINVOICEDELETE",
        ["Sync:Mappings:1:Entity"] = "crm.invoice",
        ["Sync:Mappings:1:IdPath"] = "FIELDS.ID",
        ["Sync:Mappings:1:Delete"] = "true",
    };

    [Theory]
    [InlineData("ONCRMDEALADD", "crm.deal", false)]
    [InlineData("ONCRMDEALUPDATE", "crm.deal", false)]
    [InlineData("ONCRMDEALDELETE", "crm.deal", true)]
    [InlineData("ONCRMCONTACTADD", "crm.contact", false)]
    [InlineData("ONCRMCONTACTUPDATE", "crm.contact", false)]
    [InlineData("ONCRMCONTACTDELETE", "crm.contact", true)]
    [InlineData("ONCRMCOMPANYADD", "crm.company", false)]
    [InlineData("ONCRMCOMPANYUPDATE", "crm.company", false)]
    [InlineData("ONCRMCOMPANYDELETE", "crm.company", true)]
    [InlineData("ONCRMLEADADD", "crm.lead", false)]
    [InlineData("ONCRMLEADUPDATE", "crm.lead", false)]
    [InlineData("ONCRMLEADDELETE", "crm.lead", true)]
    [InlineData("ONTASKADD", "task", false)]
    [InlineData("ONTASKUPDATE", "task", false)]
    [InlineData("ONTASKDELETE", "task", true)]
    public void EachBuiltInEvent_MapsToItsEntity_AndOnlyDeletesAreDeletes(string eventName, string entity, bool isDelete)
    {
        var mapping = Mapper().Find(eventName);

        Assert.NotNull(mapping);
        Assert.Equal(entity, mapping.Entity);
        Assert.Equal(isDelete, mapping.IsDelete);
        Assert.Equal(entity, mapping.Fetch!.Entity);
    }

    [Fact]
    public void CrmIds_AreReadFromFieldsId_WhetherNumberOrString()
    {
        var mapping = Mapper().Find("ONCRMDEALUPDATE")!;

        Assert.Equal("759", EventMapper.ReadId(ResolutionKit.Crm("ONCRMDEALUPDATE", 759).Data, mapping));
        Assert.Equal("759", EventMapper.ReadId(ResolutionKit.Crm("ONCRMDEALUPDATE", 759, idAsString: true).Data, mapping));
    }

    [Fact]
    public void TaskIds_AreReadFromFieldsAfter_OrFromFieldsBeforeWhenFieldsAfterIsUndefined()
    {
        var mapper = Mapper();

        Assert.Equal("12", EventMapper.ReadId(ResolutionKit.Task("ONTASKADD", 12).Data, mapper.Find("ONTASKADD")!));
        Assert.Equal("13", EventMapper.ReadId(ResolutionKit.Task("ONTASKDELETE", 13).Data, mapper.Find("ONTASKDELETE")!));
    }

    [Theory]
    [InlineData("""{"FIELDS":{"ID":false}}""")]
    [InlineData("""{"FIELDS":{"ID":0}}""")]
    [InlineData("""{"FIELDS":{"ID":-4}}""")]
    [InlineData("""{"FIELDS":{"ID":"undefined"}}""")]
    [InlineData("""{"FIELDS":{"ID":""}}""")]
    [InlineData("""{"FIELDS":{"ID":{"x":1}}}""")]
    [InlineData("""{"FIELDS":"undefined"}""")]
    [InlineData("""{"OTHER":{"ID":5}}""")]
    [InlineData("[]")]
    public void DataWithoutAUsableId_YieldsNoId(string data)
    {
        Assert.Null(EventMapper.ReadId(JsonNode.Parse(data), Mapper().Find("ONCRMDEALUPDATE")!));
    }

    [Fact]
    public void MultiFields_AreSelectedForContactsCompaniesAndLeads_ButNotForDeals()
    {
        var mapper = Mapper();
        string[] multiFields = ["PHONE", "EMAIL", "WEB", "IM"];

        Assert.DoesNotContain(mapper.Find("ONCRMDEALUPDATE")!.Fetch!.Select, multiFields.Contains);
        foreach (var name in (string[])["ONCRMCONTACTUPDATE", "ONCRMCOMPANYUPDATE", "ONCRMLEADUPDATE"])
        {
            Assert.All(multiFields, field => Assert.Contains(field, mapper.Find(name)!.Fetch!.Select));
        }

        // Activities have no user fields.
        Assert.All(BuiltInMappings.Entities.Where(e => e.Entity != "crm.activity"), e => Assert.Contains("UF_*", e.Select));
    }

    [Fact]
    public void AnEventNobodyMapped_HasNoMapping()
    {
        Assert.Null(Mapper().Find("ONCRMINVOICEUPDATE"));
    }

    [Fact]
    public void ConfiguredMappings_AreFoundWhateverTheCaseOfTheirName_AndKeepTheirFetchSettings()
    {
        var mapper = Mapper(InvoiceMappings);

        var update = mapper.Find("ONCRMINVOICEUPDATE");
        var delete = mapper.Find("onCrmInvoiceDelete");

        Assert.NotNull(update);
        Assert.Equal("crm.invoice", update.Entity);
        Assert.False(update.IsDelete);
        Assert.Equal("crm.invoice.list", update.Fetch!.ListMethod);
        Assert.Equal(["*"], update.Fetch.Select);
        Assert.NotNull(delete);
        Assert.True(delete.IsDelete);
    }

    [Fact]
    public void ValidConfiguredMappings_PassTheStartCheck()
    {
        using var provider = ResolutionKit.Services(InvoiceMappings).BuildServiceProvider();

        var validation = Record.Exception(() => provider.GetRequiredService<IStartupValidator>().Validate());
        var resolution = provider.GetRequiredService<EventMapper>().Resolve("ONCRMINVOICEUPDATE", JsonNode.Parse("""{"FIELDS":{"ID":"42"}}"""));

        Assert.Null(validation);
        Assert.Equal(("crm.invoice", "42"), (resolution.Mapping?.Entity, resolution.Id));
    }

    [Theory]
    [InlineData("Event", "", "Sync:Mappings:0:Event is required")]
    [InlineData("Entity", " ", "Sync:Mappings:0:Entity is required")]
    [InlineData("IdPath", "FIELDS..ID", "Sync:Mappings:0:IdPath must be a dotted path")]
    [InlineData("GetMethod", "", "Sync:Mappings:0:GetMethod is required unless Delete is true")]
    [InlineData("Event", "ONCRMDEALUPDATE", "Sync:Mappings:0:Event ONCRMDEALUPDATE is built in")]
    [InlineData("Entity", "crm.deal", "Sync:Mappings:0:Entity crm.deal is reserved")]
    [InlineData("Entity", "event", "Sync:Mappings:0:Entity event is reserved")]
    public void AWrongConfiguredMapping_StopsTheStart_NamingTheKey(string setting, string value, string message)
    {
        var settings = new Dictionary<string, string?>(InvoiceMappings) { [$"Sync:Mappings:0:{setting}"] = value };
        using var provider = ResolutionKit.Services(settings).BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnEventMappedTwice_StopsTheStart_NamingBothKeys()
    {
        var settings = new Dictionary<string, string?>(InvoiceMappings) { ["Sync:Mappings:1:Event"] = "ONCRMINVOICEUPDATE" };
        using var provider = ResolutionKit.Services(settings).BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains("Sync:Mappings:1:Event ONCRMINVOICEUPDATE is already mapped by Sync:Mappings:0", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TwoMappingsFetchingOneEntityDifferently_StopTheStart()
    {
        var settings = new Dictionary<string, string?>(InvoiceMappings)
        {
            ["Sync:Mappings:1:Delete"] = "false",
            ["Sync:Mappings:1:GetMethod"] = "crm.invoice.get",
            ["Sync:Mappings:1:ListMethod"] = "crm.invoice.fullList",
        };
        using var provider = ResolutionKit.Services(settings).BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains("Sync:Mappings:1 fetches crm.invoice differently from Sync:Mappings:0", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ASmartProcessItemEvent_IsAboutTheItemsEntityOfTheTypeInItsData_FetchedWithTheUniversalApi()
    {
        var mapper = Mapper();
        var data = JsonNode.Parse("""{"FIELDS":{"ID":"24","ENTITY_TYPE_ID":"1220"}}""");

        var update = mapper.Resolve("ONCRMDYNAMICITEMUPDATE", data);
        var delete = mapper.Resolve("onCrmDynamicItemDelete", data);

        Assert.Equal(("crm.item.1220", "24"), (update.Mapping!.Entity, update.Id));
        var list = update.Mapping.Fetch!.ListCommandParameters(["24", "25"]);
        Assert.Equal("crm.item.list", update.Mapping.Fetch.ListMethod);
        Assert.Equal(1220, list["entityTypeId"]!.GetValue<long>());
        Assert.Equal(["24", "25"], list["filter"]!["@id"]!.AsArray().Select(v => v!.GetValue<string>()));
        Assert.Equal("updatedTime", update.Mapping.Fetch.ModifiedField);
        Assert.Equal(("crm.item.1220", "24", true, null), (delete.Mapping!.Entity, delete.Id, delete.Mapping.IsDelete, delete.Mapping.Fetch));
    }

    [Theory]
    [InlineData("""{"FIELDS":{"ID":"24"}}""")]
    [InlineData("""{"FIELDS":{"ID":"24","ENTITY_TYPE_ID":"zero"}}""")]
    [InlineData("""{"FIELDS":{"ID":"24","ENTITY_TYPE_ID":0}}""")]
    public void ASmartProcessItemEventWithoutAType_CannotBeRead(string data)
    {
        var resolution = Mapper().Resolve("ONCRMDYNAMICITEMADD", JsonNode.Parse(data));

        Assert.Null(resolution.Id);
        Assert.Equal("ONCRMDYNAMICITEMADD has no entity type at FIELDS.ENTITY_TYPE_ID", resolution.Problem);
    }

    [Fact]
    public void ItemsOfTypesLeftOutOfSmartProcessTypes_AreIgnored()
    {
        var mapper = Mapper(new Dictionary<string, string?> { ["Sync:SmartProcessTypes"] = "1220, 31" });

        Assert.True(mapper.Resolve("ONCRMDYNAMICITEMADD", JsonNode.Parse("""{"FIELDS":{"ID":"1","ENTITY_TYPE_ID":"1222"}}""")).IsIgnored);
        Assert.Equal("crm.item.31", mapper.Resolve("ONCRMDYNAMICITEMADD", JsonNode.Parse("""{"FIELDS":{"ID":"1","ENTITY_TYPE_ID":"31"}}""")).Mapping!.Entity);
    }

    [Fact]
    public void ASmartProcessTypesEntryThatIsNoTypeId_StopsTheStart_NamingTheKey()
    {
        using var provider = ResolutionKit.Services(new Dictionary<string, string?> { ["Sync:SmartProcessTypes"] = "1220,orders" }).BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains("Sync:SmartProcessTypes: 'orders' is not an entityTypeId", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnActivityEvent_IsAboutCrmActivity_FetchedWithItsList()
    {
        var resolution = Mapper().Resolve("ONCRMACTIVITYUPDATE", JsonNode.Parse("""{"FIELDS":{"ID":17}}"""));

        Assert.Equal(("crm.activity", "17"), (resolution.Mapping!.Entity, resolution.Id));
        Assert.Equal(("crm.activity.list", "LAST_UPDATED"), (resolution.Mapping.Fetch!.ListMethod, resolution.Mapping.Fetch.ModifiedField));
        Assert.Contains("COMMUNICATIONS", resolution.Mapping.Fetch.Select);
    }

    private static EventMapper Mapper(IDictionary<string, string?>? settings = null)
    {
        using var provider = ResolutionKit.Services(settings).BuildServiceProvider();
        return provider.GetRequiredService<EventMapper>();
    }
}
