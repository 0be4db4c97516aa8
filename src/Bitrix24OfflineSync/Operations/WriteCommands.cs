using System.Globalization;
using Bitrix24OfflineSync.Portals;
using Bitrix24OfflineSync.Security;
using Bitrix24OfflineSync.Writes;

namespace Bitrix24OfflineSync.Operations;

/// <summary>
/// <c>writes list MEMBER_ID [--status STATUS]</c>: a portal's writes of the write API, newest first, with their
/// status and error. <c>writes retry MEMBER_ID KEY</c>: queues a failed or conflicting write again; the running service
/// applies it at its next turn of the portal (the portal is signalled).
/// </summary>
internal static class WriteCommands
{
    public const string Usage =
        """
               Bitrix24OfflineSync writes list MEMBER_ID [--status queued|applying|applied|conflict|failed]
               Bitrix24OfflineSync writes retry MEMBER_ID KEY
        """;

    /// <summary>Exit code of <c>writes retry</c> when the portal has no failed or conflicting write with that key.</summary>
    public const int UnknownWrite = 5;

    private const int Listed = 1000;

    public static bool IsValid(string[] words) =>
        words switch
        {
            ["writes", "list", var memberId] => IsName(memberId),
            ["writes", "list", var memberId, "--status", var status] => IsName(memberId) && WriteStatus.All.Contains(status, StringComparer.Ordinal),
            ["writes", "retry", var memberId, var key] => IsName(memberId) && IsName(key),
            _ => false,
        };

    public static async Task<int> RunAsync(IServiceProvider services, string[] words, TextWriter output, TextWriter error)
    {
        var memberId = words[2];
        if (await services.GetRequiredService<IPortalRegistry>().FindAsync(memberId, CancellationToken.None).ConfigureAwait(false) is null)
        {
            await error.WriteLineAsync($"no portal {PrintableText.Of(memberId)}").ConfigureAwait(false);
            return OperatorCommands.UnknownPortal;
        }

        var store = services.GetRequiredService<IWriteStore>();
        if (words[1] == "list")
        {
            var writes = await store.ListAsync(memberId, words.Length == 5 ? words[4] : null, Listed, CancellationToken.None).ConfigureAwait(false);
            await output.WriteLineAsync($"{"KEY",-32}  {"ENTITY",-16}  {"ACTION",-6}  {"ID",-10}  {"STATUS",-8}  {"ATTEMPTS",8}  {"ACCEPTED",-20}").ConfigureAwait(false);
            foreach (var w in writes)
            {
                var accepted = w.AcceptedAt.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);
                await output.WriteLineAsync(FormattableString.Invariant(
                    $"{PrintableText.Of(w.Key),-32}  {PrintableText.Of(w.Request.Entity),-16}  {w.Request.Action,-6}  {PrintableText.Of(w.ObjectId ?? "-"),-10}  {w.Status,-8}  {w.Attempts,8}  {accepted,-20}")).ConfigureAwait(false);
                if (w.ErrorCode is not null || w.ErrorMessage is not null)
                {
                    await output.WriteLineAsync($"  error: {PrintableText.Of(w.ErrorCode ?? "")} {PrintableText.Of(w.ErrorMessage ?? "")}").ConfigureAwait(false);
                }
            }

            await output.WriteLineAsync($"{writes.Count} writes").ConfigureAwait(false);
            return OperatorCommands.Done;
        }

        var key = words[3];
        if (!await store.RetryAsync(memberId, key, services.GetRequiredService<TimeProvider>().GetUtcNow(), CancellationToken.None).ConfigureAwait(false))
        {
            await error.WriteLineAsync($"no failed or conflicting write {PrintableText.Of(key)} on portal {memberId}").ConfigureAwait(false);
            return UnknownWrite;
        }

        await services.GetRequiredService<IPortalSyncState>().SignalAsync(memberId, CancellationToken.None).ConfigureAwait(false);
        await output.WriteLineAsync($"{memberId}: write {PrintableText.Of(key)} queued again; the service applies it at its next turn of the portal").ConfigureAwait(false);
        return OperatorCommands.Done;
    }

    private static bool IsName(string word) => word.Length > 0 && !word.StartsWith('-');
}
