using System.Globalization;
using Bitrix24OfflineSync.Portals;
using Bitrix24OfflineSync.Security;
using Bitrix24OfflineSync.Sinks;
using Bitrix24OfflineSync.Sync.Journal;

namespace Bitrix24OfflineSync.Operations;

/// <summary>
/// <c>deadletters list MEMBER_ID</c>: a portal's dead letters, each with its object, what failed, the sink's status
/// and the start of its answer. <c>deadletters replay MEMBER_ID (--entity ENTITY --id ID | --all)</c>: asks the running
/// service to deliver those objects again. The request is kept in the store and the portal marked dirty; the service
/// takes it up at its next look at the signals, under the portal's lease, and fetches each object's current state.
/// </summary>
internal static class DeadLetterCommands
{
    public const string Usage =
        """
               Bitrix24OfflineSync deadletters list MEMBER_ID
               Bitrix24OfflineSync deadletters replay MEMBER_ID (--entity ENTITY --id ID | --all)
        """;

    /// <summary>Whether the words (settings left out) are a dead-letter verb this class runs.</summary>
    public static bool IsValid(string[] words) =>
        words switch
        {
            ["deadletters", "list", var memberId] => IsName(memberId),
            ["deadletters", "replay", var memberId, "--all"] => IsName(memberId),
            ["deadletters", "replay", var memberId, "--entity", var entity, "--id", var id] => IsName(memberId) && IsName(entity) && IsName(id),
            _ => false,
        };

    public static async Task<int> RunAsync(IServiceProvider services, string[] words, TextWriter output, TextWriter error)
    {
        var memberId = words[2];
        if (await services.GetRequiredService<IPortalRegistry>().FindAsync(memberId, CancellationToken.None).ConfigureAwait(false) is not { } portal)
        {
            await error.WriteLineAsync($"no portal {PrintableText.Of(memberId)}").ConfigureAwait(false);
            return OperatorCommands.UnknownPortal;
        }

        var log = services.GetRequiredService<IFailureLog>();
        if (words[1] == "list")
        {
            return await ListAsync(log, memberId, output).ConfigureAwait(false);
        }

        var only = words.Length == 7 ? new ObjectKey(words[4], words[6]) : null;
        var requested = await log.RequestReplayAsync(memberId, only, CancellationToken.None).ConfigureAwait(false);
        if (requested == 0 && only is not null)
        {
            await error.WriteLineAsync($"no dead letter of {PrintableText.Of(only.Entity)} {PrintableText.Of(only.Id)} on portal {memberId}").ConfigureAwait(false);
            return OperatorCommands.UnknownDeadLetter;
        }

        // The signal lets the running service take the portal up at its next look at the signals.
        await services.GetRequiredService<IPortalSyncState>().SignalAsync(memberId, CancellationToken.None).ConfigureAwait(false);
        await output.WriteLineAsync(FormattableString.Invariant(
            $"{memberId} ({portal.Domain}): replay asked for {requested} dead letters; the service delivers their objects' current state at its next turn of the portal")).ConfigureAwait(false);
        return OperatorCommands.Done;
    }

    private static async Task<int> ListAsync(IFailureLog log, string memberId, TextWriter output)
    {
        var letters = await log.DeadLettersAsync(memberId, CancellationToken.None).ConfigureAwait(false);
        await output.WriteLineAsync($"{"ENTITY",-20}  {"ID",-12}  {"EVENT",-24}  {"REASON",-12}  {"STATUS",-16}  {"ATTEMPTS",8}  {"SINCE",-20}  {"REPLAY",-6}").ConfigureAwait(false);
        foreach (var l in letters)
        {
            var since = l.CreatedAt.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);
            await output.WriteLineAsync(FormattableString.Invariant(
                $"{PrintableText.Of(l.Entity),-20}  {PrintableText.Of(l.EntityId),-12}  {PrintableText.Of(l.EventName),-24}  {l.Cause.Name(),-12}  {PrintableText.Of(l.Status ?? "-"),-16}  {l.Attempts,8}  {since,-20}  {(l.ReplayRequested ? "asked" : "-"),-6}")).ConfigureAwait(false);
            await output.WriteLineAsync($"  why: {PrintableText.Of(l.Reason)}").ConfigureAwait(false);
            if (l.Answer is { Length: > 0 } answer)
            {
                await output.WriteLineAsync($"  answer: {PrintableText.Of(answer)}").ConfigureAwait(false);
            }
        }

        await output.WriteLineAsync($"{letters.Count} dead letters").ConfigureAwait(false);
        return OperatorCommands.Done;
    }

    private static bool IsName(string word) => word.Length > 0 && !word.StartsWith('-');
}
