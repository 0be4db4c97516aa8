using Bitrix24OfflineSync.Sinks.Fields;
using Bitrix24OfflineSync.Sync.Passes;

namespace Bitrix24OfflineSync.Writes;

/// <summary>
/// Bitrix24 ignores an unknown field name silently; the service does not. A write's field names are checked against
/// the portal's field list of its entity (as the drain last read it); when a name is unknown, or the list was never
/// read, the lists are read again once per turn (one request) before the write is refused.
/// </summary>
internal sealed class WriteFieldCheck(IPortalFields fields, FieldDiscovery discovery)
{
    /// <summary>Fields the service sets itself on a create; a caller may name them too.</summary>
    private static readonly string[] OriginFields = ["ORIGINATOR_ID", "ORIGIN_ID", "originatorId", "originId"];

    /// <summary>Checks the writes' fields; answers the failures by write key, or the time the field lists' method is paused until.</summary>
    public async Task<(Dictionary<string, WriteOutcome> Failures, DateTimeOffset? PausedUntil)> CheckAsync(
        string memberId, IReadOnlyList<StoredWrite> writes, CancellationToken cancellationToken)
    {
        var failures = new Dictionary<string, WriteOutcome>(StringComparer.Ordinal);
        var lists = new Dictionary<string, IReadOnlyList<PortalField>>(StringComparer.Ordinal);
        var reread = false;
        foreach (var write in writes.Where(w => w.Request.Fields is not null))
        {
            var entity = write.Request.Entity;
            if (!lists.TryGetValue(entity, out var list))
            {
                list = lists[entity] = await fields.ForEntityAsync(memberId, entity, cancellationToken).ConfigureAwait(false);
            }

            if ((list.Count == 0 || Unknown(write, list).Count > 0) && !reread)
            {
                reread = true;
                var read = await discovery.ReadAsync(memberId, cancellationToken).ConfigureAwait(false);
                if (read.PausedUntil is { } until)
                {
                    return (failures, until);
                }

                lists.Clear();
                list = lists[entity] = await fields.ForEntityAsync(memberId, entity, cancellationToken).ConfigureAwait(false);
            }

            if (list.Count == 0)
            {
                failures[write.Key] = new WriteOutcome(WriteStatus.Failed, null, "FIELDS_UNKNOWN", $"The portal's field list of {entity} could not be read; is the entity synced (Bitrix24__Events)?");
                continue;
            }

            var unknown = Unknown(write, list);
            var readOnly = write.Request.Fields!.Select(f => f.Key)
                .Where(name => list.FirstOrDefault(f => f.Code == name) is { ReadOnly: true } && !OriginFields.Contains(name, StringComparer.Ordinal))
                .ToList();
            if (unknown.Count > 0)
            {
                failures[write.Key] = new WriteOutcome(WriteStatus.Failed, null, "UNKNOWN_FIELD", $"Not fields of {entity} on this portal: {string.Join(", ", unknown)}");
            }
            else if (readOnly.Count > 0)
            {
                failures[write.Key] = new WriteOutcome(WriteStatus.Failed, null, "READ_ONLY_FIELD", $"Read-only fields of {entity}: {string.Join(", ", readOnly)}");
            }
        }

        return (failures, null);
    }

    private static List<string> Unknown(StoredWrite write, IReadOnlyList<PortalField> list) =>
        [.. write.Request.Fields!.Select(f => f.Key).Where(name => !OriginFields.Contains(name, StringComparer.Ordinal) && !list.Any(f => f.Code == name))];
}
