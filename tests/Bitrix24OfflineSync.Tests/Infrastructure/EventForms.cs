using System.Text;

namespace Bitrix24OfflineSync.Tests.Infrastructure;

/// <summary>Builds event bodies as Bitrix24 sends them: form-encoded, PHP-style keys, every value a string.</summary>
public static class EventForms
{
    public static FormUrlEncodedContent Form(params (string Key, string Value)[] pairs) =>
        new(pairs.Select(p => new KeyValuePair<string, string>(p.Key, p.Value)));

    public static StringContent Raw(string body, string contentType = "application/x-www-form-urlencoded") =>
        new(body, Encoding.UTF8, contentType);

    public static FormUrlEncodedContent Doorbell(string memberId, string applicationToken, string? accessToken = null, string? refreshToken = null) =>
        Form(
            ("event", "ONOFFLINEEVENT"),
            ("event_handler_id", "7"),
            ("ts", "1766400000"),
            ("auth[access_token]", accessToken ?? "doorbell-access"),
            ("auth[expires_in]", "3600"),
            ("auth[scope]", "crm,task"),
            ("auth[domain]", "test.bitrix24.com"),
            ("auth[member_id]", memberId),
            ("auth[refresh_token]", refreshToken ?? "doorbell-refresh"),
            ("auth[application_token]", applicationToken));
}
