using System.Net;
using Bitrix24OfflineSync.Emulator.Rest;

namespace Bitrix24OfflineSync.Emulator.Methods;

/// <summary>The checks the event methods start with: app OAuth only (<c>AuthTypeException</c>), and for the queue, an admin.</summary>
internal static class AppAuth
{
    public static EmulatedApp RequireApp(MethodContext ctx) =>
        ctx.Caller.App ?? throw new RestException(HttpStatusCode.Forbidden, "WRONG_AUTH_TYPE", "Current authorization type is denied for this method");

    public static EmulatedApp RequireAppAdmin(MethodContext ctx)
    {
        var app = RequireApp(ctx);
        ctx.RequireAdmin();
        return app;
    }

    /// <summary><c>AccessException</c>: "Access denied!" followed by the reason.</summary>
    public static RestException AccessDenied(string reason) => RestException.AccessDenied("Access denied! " + reason);
}
