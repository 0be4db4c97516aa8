using System.Net;
using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Emulator.Rest;

namespace Bitrix24OfflineSync.Emulator.Methods;

/// <summary><c>feature.get {CODE}</c>: whether the portal's plan has a feature, as <c>{"value":"Y"|"N"}</c>.</summary>
internal static class FeatureMethods
{
    public static void Register(MethodRegistry methods) => methods.Add("feature.get", null, Get);

    private static MethodResult Get(MethodContext ctx)
    {
        // CRestProvider::getFeature tests the code with empty(): "", "0" and a missing CODE are all refused.
        var code = ctx.Param("code");
        if (!PhpValues.Truthy(code))
        {
            throw new RestException(HttpStatusCode.BadRequest, "CODE_EMPTY", "CODE can't be empty");
        }

        return new JsonObject { ["value"] = ctx.Portal.HasFeature(PhpValues.String(code)) ? "Y" : "N" };
    }
}
