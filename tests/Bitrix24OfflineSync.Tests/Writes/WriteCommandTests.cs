using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Emulator.Crm;
using Bitrix24OfflineSync.Operations;

namespace Bitrix24OfflineSync.Tests.Writes;

/// <summary>
/// <c>writes list MEMBER_ID [--status S]</c> and <c>writes retry MEMBER_ID KEY</c>: a write that failed for a field the
/// portal lacked is listed with its error; once the portal has the field, a retry applies it (the field lists are read
/// again because the name was unknown to the kept ones).
/// </summary>
public sealed class WriteCommandTests
{
    [Fact]
    public async Task AFailedWrite_IsListedWithItsError_AndARetryAppliesItOnceThePortalHasTheField()
    {
        await using var kit = await WriteKit.StartAsync(postgres: false);
        var portal = await kit.InstallAsync();
        await kit.AcceptAsync(
            portal.MemberId,
            WriteKit.Write("ok-1", "crm.deal", "create", fields: new JsonObject { ["TITLE"] = "Fine" }),
            WriteKit.Write("uf-1", "crm.deal", "create", fields: new JsonObject { ["TITLE"] = "Region", ["UF_CRM_REGION"] = "North" }));
        Assert.Equal("failed", (await kit.FinalAsync(portal.MemberId, "uf-1"))["status"]!.GetValue<string>());
        await kit.FinalAsync(portal.MemberId, "ok-1");

        var listed = await RunAsync(kit, "writes", "list", portal.MemberId, "--status", "failed");
        portal.UserFields.Add("crm.deal", new UserFieldDefinition("UF_CRM_REGION", "string", "Region"));
        var retried = await RunAsync(kit, "writes", "retry", portal.MemberId, "uf-1");
        var applied = await kit.FinalAsync(portal.MemberId, "uf-1");
        var unknown = await RunAsync(kit, "writes", "retry", portal.MemberId, "ok-1");
        var bad = await RunAsync(kit, "writes", "list", portal.MemberId, "--status", "lost");

        Assert.Equal(OperatorCommands.Done, listed.Code);
        Assert.Contains("uf-1", listed.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("ok-1", listed.Output, StringComparison.Ordinal);
        Assert.Contains("UNKNOWN_FIELD", listed.Output, StringComparison.Ordinal);
        Assert.Contains("UF_CRM_REGION", listed.Output, StringComparison.Ordinal);
        Assert.Contains("1 writes", listed.Output, StringComparison.Ordinal);
        Assert.Equal(OperatorCommands.Done, retried.Code);
        Assert.Equal("applied", applied["status"]!.GetValue<string>());
        Assert.Contains(portal.Crm.Snapshot(CrmEntityType.Deal), d => d["UF_CRM_REGION"]?.ToString() == "North");
        Assert.Equal(WriteCommands.UnknownWrite, unknown.Code);
        Assert.Equal(OperatorCommands.BadArguments, bad.Code);
    }

    private static async Task<(int Code, string Output, string Error)> RunAsync(WriteKit kit, params string[] words)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await OperatorCommands.RunAsync([.. words, $"--Storage:DataDirectory={kit.Fixture.Service.DataDirectory}", "--Metrics:Urls="], output, error);
        return (code, output.ToString(), error.ToString());
    }
}
