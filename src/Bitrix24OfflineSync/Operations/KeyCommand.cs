using Bitrix24OfflineSync.Security;

namespace Bitrix24OfflineSync.Operations;

/// <summary>
/// The <c>key new</c> verb: prints a new token encryption key as the line <c>Storage__EncryptionKey=...</c>, ready for
/// an environment file. It reads no configuration and touches no database. Exit codes: 0 done, 2 bad arguments.
/// </summary>
internal static class KeyCommand
{
    private const string Usage =
        """
        usage: Bitrix24OfflineSync key new
        prints Storage__EncryptionKey=<base64 of 32 random bytes>, e.g. Bitrix24OfflineSync key new >> b24sync.env
        """;

    public static bool IsCommand(string[] args) => args.Length > 0 && args[0] == "key";

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        if (args is not ["key", "new"])
        {
            await error.WriteLineAsync(Usage).ConfigureAwait(false);
            return OperatorCommands.BadArguments;
        }

        await output.WriteLineAsync($"Storage__EncryptionKey={EncryptionKeyProvider.NewKey()}").ConfigureAwait(false);
        await error.WriteLineAsync("Back it up apart from the database: the tokens stored under it cannot be read without it.").ConfigureAwait(false);
        return OperatorCommands.Done;
    }
}
