using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Emulator.Rest;

namespace Bitrix24OfflineSync.Emulator.Methods;

/// <summary><c>feature.get {CODE}</c>: whether the portal's plan has a feature, as <c>{"value":"Y"|"N"}</c>.</summary>
internal static class FeatureMethods
{
    public static void Register(MethodRegistry methods) => methods.Add("feature.get", null, Get);

    private static MethodResult Get(MethodContext ctx)
    {
        var code = PhpValues.String(ctx.Param("code")).Trim();
        if (code.Length == 0)
        {
            throw PhpValues.ArgumentNull("CODE");
        }

        return new JsonObject { ["value"] = ctx.Portal.HasFeature(code) ? "Y" : "N" };
    }
}
