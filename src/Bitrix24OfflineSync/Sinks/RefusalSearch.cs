using System.Text;

namespace Bitrix24OfflineSync.Sinks;

/// <summary>
/// Finds what a sink refuses in a batch: the batch is committed, and one refused as a whole is split in halves, each
/// committed on its own or split again, down to single objects. Everything the sink takes is stored; what it refuses
/// alone is answered. A sink that is down throws from the commit and the search stops there: what it stored before
/// comes again with the batch, in the same parts (the split depends on the batch only), and a sink is idempotent.
/// </summary>
internal static class RefusalSearch
{
    /// <summary>The first KiB of an answer: as much as an operator needs to see why, never a whole body.</summary>
    public const int AnswerBytes = 1024;

    /// <summary>Commits <paramref name="changes"/> through <paramref name="commit"/>, which answers null when a part was stored, or why it was refused.</summary>
    public static async Task<IReadOnlyList<SinkRefusal>> CommitAsync(IReadOnlyList<ObjectChange> changes, Func<IReadOnlyList<ObjectChange>, Task<Refused?>> commit)
    {
        ArgumentNullException.ThrowIfNull(commit);
        var refused = new List<SinkRefusal>();
        await SearchAsync(changes).ConfigureAwait(false);
        return refused;

        async Task SearchAsync(IReadOnlyList<ObjectChange> part)
        {
            if (part.Count == 0 || await commit(part).ConfigureAwait(false) is not { } refusal)
            {
                return;
            }

            if (part.Count == 1)
            {
                refused.Add(new SinkRefusal(part[0].Key, refusal.Status, refusal.Answer));
                return;
            }

            var half = (part.Count + 1) / 2;
            await SearchAsync([.. part.Take(half)]).ConfigureAwait(false);
            await SearchAsync([.. part.Skip(half)]).ConfigureAwait(false);
        }
    }

    /// <summary>A text cut to <see cref="AnswerBytes"/> bytes of UTF-8.</summary>
    public static string Clip(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var bytes = Encoding.UTF8.GetBytes(text);
        return bytes.Length <= AnswerBytes ? text : Encoding.UTF8.GetString(bytes, 0, AnswerBytes);
    }

    /// <summary>Why a part was refused: how (<see cref="SinkRefusal.Status"/>) and the first KiB of the answer.</summary>
    public sealed record Refused(string Status, string Answer);
}
