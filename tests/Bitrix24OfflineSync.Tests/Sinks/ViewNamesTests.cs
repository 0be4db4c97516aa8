using System.Text;
using Bitrix24OfflineSync.Sinks.Database.Views;

namespace Bitrix24OfflineSync.Tests.Sinks;

/// <summary>How the views and their columns are named: by the field's name in lower case, unique, within 63 bytes, never a fixed column's.</summary>
public sealed class ViewNamesTests
{
    [Fact]
    public void Views_AreNamedByEntity_InLowerCaseWithUnderscores()
    {
        Assert.Equal(("b24_crm_deal", "b24_crm_item_1032", "b24_task", "b24_crm_deal_all"), (ViewNames.View("crm.deal"), ViewNames.View("crm.item.1032"), ViewNames.View("task"), ViewNames.AllView("crm.deal")));
        Assert.Equal("b24_my_entity_x", ViewNames.View("My Entity-X"));
    }

    [Fact]
    public void Columns_AreTheNameInLowerCase_TheIdIsTheIdColumn_AndAFixedColumnsNameIsNeverAFields()
    {
        var columns = ViewNames.Columns([("ID", "ID"), ("TITLE", "TITLE"), ("stageId", "STAGE_ID"), ("MEMBER_ID", "MEMBER_ID"), ("ORIGIN", "ORIGIN"), ("DELETED", "DELETED")]);

        Assert.Equal(("id", "title", "stage_id"), (columns["ID"], columns["TITLE"], columns["stageId"]));
        Assert.Matches("^member_id_[0-9a-f]{8}$", columns["MEMBER_ID"]);
        Assert.Matches("^origin_[0-9a-f]{8}$", columns["ORIGIN"]);
        Assert.Matches("^deleted_[0-9a-f]{8}$", columns["DELETED"]);
    }

    [Fact]
    public void CodesThatCollideOnceLowerCased_TheFirstKeepsTheName_AndTheOthersAreMapped_TheSameWhateverTheOrder()
    {
        (string, string)[] fields = [("UF_CRM_case", "UF_CRM_case"), ("UF_CRM_CASE", "UF_CRM_CASE"), ("UF_CRM_Case", "UF_CRM_Case")];

        var once = ViewNames.Columns(fields);
        var again = ViewNames.Columns(fields.Reverse());

        Assert.Equal("uf_crm_case", once["UF_CRM_CASE"]);
        Assert.Equal(3, once.Values.Distinct().Count());
        Assert.Equal(once.OrderBy(p => p.Key), again.OrderBy(p => p.Key));
    }

    [Fact]
    public void ALongName_IsCutToFitPostgresql_KeepingTwoNamesThatShareTheirStartApart()
    {
        var stem = "UF_CRM_" + new string('Ж', 40);
        var columns = ViewNames.Columns([(stem + "_ONE", stem + "_ONE"), (stem + "_TWO", stem + "_TWO"), ("", ""), ("UF\u0007BELL", "UF\u0007BELL")]);

        Assert.All(columns.Values, c => Assert.InRange(Encoding.UTF8.GetByteCount(c), 1, ViewNames.MaxBytes));
        Assert.NotEqual(columns[stem + "_ONE"], columns[stem + "_TWO"]);
        Assert.StartsWith("uf_crm_жжж", columns[stem + "_ONE"], StringComparison.Ordinal);
        Assert.Equal(("field", "ufbell"), (columns[""], columns["UF\u0007BELL"]));
        Assert.Equal("\"a\"\"b\"", ViewNames.Quote("a\"b"));
    }
}
