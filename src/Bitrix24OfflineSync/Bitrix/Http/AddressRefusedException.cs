namespace Bitrix24OfflineSync.Bitrix.Http;

/// <summary>A connection not made: the host resolved to an address the service does not connect to in production.</summary>
internal sealed class AddressRefusedException(string problem) : IOException(problem)
{
    /// <summary>What was wrong, e.g. "host portal.example resolves to 10.0.0.1, a private address".</summary>
    public string Problem { get; } = problem;

    /// <summary>The refusal inside a failed request, if that is why it failed.</summary>
    public static AddressRefusedException? In(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is AddressRefusedException refused)
            {
                return refused;
            }
        }

        return null;
    }
}
