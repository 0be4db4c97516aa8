namespace Bitrix24OfflineSync.Bitrix.Http;

/// <summary>
/// What a REST request carries for the handlers between <see cref="BitrixClient"/> and the wire: the portal (which
/// selects its budget and its circuit), the method, whether a blind resend is safe, and what the last attempt met.
/// </summary>
internal static class BitrixRequest
{
    private static readonly HttpRequestOptionsKey<string> MemberIdKey = new("bitrix24.member-id");
    private static readonly HttpRequestOptionsKey<string> MethodKey = new("bitrix24.method");
    private static readonly HttpRequestOptionsKey<bool> SafeToRepeatKey = new("bitrix24.safe-to-repeat");
    private static readonly HttpRequestOptionsKey<string> OutcomeKey = new("bitrix24.attempt-outcome");
    private static readonly HttpRequestOptionsKey<bool> NotExecutedKey = new("bitrix24.attempt-not-executed");

    public static void Describe(HttpRequestMessage request, string memberId, string method, bool safeToRepeat)
    {
        request.Options.Set(MemberIdKey, memberId);
        request.Options.Set(MethodKey, method);
        request.Options.Set(SafeToRepeatKey, safeToRepeat);
    }

    public static string MemberId(HttpRequestMessage? request) =>
        request is not null && request.Options.TryGetValue(MemberIdKey, out var value) ? value : "";

    public static string Method(HttpRequestMessage? request) =>
        request is not null && request.Options.TryGetValue(MethodKey, out var value) ? value : "?";

    public static bool SafeToRepeat(HttpRequestMessage? request) =>
        request is not null && request.Options.TryGetValue(SafeToRepeatKey, out var value) && value;

    /// <summary>Records what one attempt met: its outcome label, and whether the server refused it before running it (the limits).</summary>
    public static void Attempted(HttpRequestMessage request, string outcome, bool notExecuted)
    {
        request.Options.Set(OutcomeKey, outcome);
        request.Options.Set(NotExecutedKey, notExecuted);
    }

    public static string Outcome(HttpRequestMessage? request) =>
        request is not null && request.Options.TryGetValue(OutcomeKey, out var value) ? value : "unknown";

    /// <summary>True when the last attempt was refused by the limits before it ran: even an unsafe call may go again.</summary>
    public static bool NotExecuted(HttpRequestMessage? request) =>
        request is not null && request.Options.TryGetValue(NotExecutedKey, out var value) && value;
}
