using System.Globalization;
using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Emulator.Rest;

namespace Bitrix24OfflineSync.Emulator.Methods;

/// <summary>
/// The <c>basic</c> scope's questions about the calling user, which any user may ask: <c>user.admin</c> (no
/// parameters; <c>true</c> when the token's user is an administrator, else <c>false</c>) and <c>profile</c> (the
/// user's id, <c>ADMIN</c> flag and name).
/// </summary>
internal static class UserMethods
{
    public static void Register(MethodRegistry methods)
    {
        methods.Add("user.admin", null, Admin);
        methods.Add("profile", null, Profile);
    }

    private static MethodResult Admin(MethodContext ctx) => JsonValue.Create(ctx.Caller.IsAdmin);

    private static MethodResult Profile(MethodContext ctx)
    {
        var user = ctx.Portal.Users.Find(ctx.Caller.UserId);
        return new JsonObject
        {
            ["ID"] = ctx.Caller.UserId.ToString(CultureInfo.InvariantCulture),
            ["ADMIN"] = ctx.Caller.IsAdmin,
            ["NAME"] = user?.Name ?? "",
            ["LAST_NAME"] = user?.LastName ?? "",
            ["PERSONAL_GENDER"] = "",
            ["TIME_ZONE"] = "",
        };
    }
}
