using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Bitrix24OfflineSync.Bitrix;

/// <summary>
/// Which <c>auth_connector</c> this process sends to each portal: <c>Bitrix24__AuthConnector</c>, except to a portal
/// whose plan lacks <c>rest_auth_connector</c>. Such a portal refuses every call that carries the key (403
/// <c>WRONG_LICENSE</c>), so after the first refusal the process calls it without the key instead of failing every call.
/// </summary>
internal sealed class AuthConnectorUse(IOptions<Bitrix24Options> options)
{
    private readonly ConcurrentDictionary<string, bool> _refused = new(StringComparer.Ordinal);

    /// <summary>The connector to send to the portal; null for none.</summary>
    public string? For(string memberId) =>
        string.IsNullOrEmpty(options.Value.AuthConnector) || _refused.ContainsKey(memberId) ? null : options.Value.AuthConnector;

    /// <summary>Answers true the first time: the caller warns the operator once and resends without the key.</summary>
    public bool Refuse(string memberId) => _refused.TryAdd(memberId, true);
}
