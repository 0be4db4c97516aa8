using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Bitrix;
using Bitrix24OfflineSync.Bitrix.Batch;
using Bitrix24OfflineSync.Portals;
using Microsoft.Extensions.Options;

namespace Bitrix24OfflineSync.Registration;

/// <summary>
/// Binds what the service needs on a portal: the doorbell (ONOFFLINEEVENT, online, with <c>minTimeout</c>) and
/// ONAPPUNINSTALL at <c>{PublicUrl}/bitrix24/events</c>, and the configured events offline. Idempotent: what
/// <c>event.get</c> already lists is left alone, and "already binded" counts as bound.
/// </summary>
internal sealed class EventRegistrar(
    BitrixClient client,
    BitrixBatch batch,
    AuthConnectorUse connectors,
    IPortalSyncState syncState,
    IPortalWaker wakeUps,
    IOptions<Bitrix24Options> options,
    TimeProvider time,
    ILogger<EventRegistrar> logger)
{
    public const string Doorbell = "ONOFFLINEEVENT";
    public const string Uninstall = "ONAPPUNINSTALL";

    /// <summary>Binds what is missing; with <paramref name="replaceOtherHandlers"/>, online handlers at another URL (an old public URL) are unbound.</summary>
    public async Task<RegistrationResult> RegisterAsync(string memberId, bool replaceOtherHandlers, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (settings.HandlerUrl is not { } handler)
        {
            RegistrationLog.NoPublicUrl(logger, memberId);
            await RegisteredAsync(memberId, cancellationToken).ConfigureAwait(false);
            return new RegistrationResult([], 0, []);
        }

        var existing = await ListAsync(memberId, cancellationToken).ConfigureAwait(false);
        var connector = connectors.For(memberId) ?? "";
        var commands = new List<BatchCommand>();
        foreach (var name in new[] { Doorbell, Uninstall })
        {
            if (!existing.Any(b => !b.Offline && b.Event == name && b.Handler == handler))
            {
                var parameters = new JsonObject { ["event"] = name, ["handler"] = handler };
                if (name == Doorbell)
                {
                    parameters["options"] = new JsonObject { ["minTimeout"] = settings.DoorbellMinTimeout };
                }

                commands.Add(new BatchCommand(name, "event.bind", parameters));
            }

            if (replaceOtherHandlers)
            {
                commands.AddRange(existing.Where(b => !b.Offline && b.Event == name && b.Handler != handler)
                    .Select((b, i) => new BatchCommand($"unbind_{name}_{i}", "event.unbind", new JsonObject { ["event"] = name, ["handler"] = b.Handler })));
            }
        }

        foreach (var name in settings.EventList.Where(e => !existing.Any(b => b.Offline && b.Event == e && b.ConnectorId == connector)))
        {
            commands.Add(new BatchCommand(name, "event.bind", new JsonObject { ["event"] = name, ["event_type"] = "offline" }));
        }

        var bound = new List<string>();
        var failed = new List<string>();
        foreach (var result in await batch.RunAsync(memberId, commands, cancellationToken).ConfigureAwait(false))
        {
            if (result.Succeeded || result.Error!.Description.Contains("already binded", StringComparison.OrdinalIgnoreCase))
            {
                if (result.Key.StartsWith("unbind_", StringComparison.Ordinal))
                {
                    RegistrationLog.Unbound(logger, memberId, result.Key.Split('_')[1], "(previous handler)");
                }
                else
                {
                    bound.Add(result.Key);
                }
            }
            else
            {
                failed.Add(result.Key);
                RegistrationLog.BindFailed(logger, memberId, result.Key, result.Error.ToString());
            }
        }

        RegistrationLog.Bound(logger, memberId, bound.Count == 0 ? "nothing new" : string.Join(',', bound), existing.Count, handler);
        await RegisteredAsync(memberId, cancellationToken).ConfigureAwait(false);
        return new RegistrationResult(bound, existing.Count, failed);
    }

    /// <summary>From here on changes reach the queue, so the portal's load may begin: it is woken for it.</summary>
    private async Task RegisteredAsync(string memberId, CancellationToken cancellationToken)
    {
        await syncState.MarkRegisteredAsync(memberId, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        wakeUps.Wake(memberId);
    }

    /// <summary>Unbinds every handler of this app on the portal, online and offline.</summary>
    public async Task<int> UnbindAllAsync(string memberId, CancellationToken cancellationToken)
    {
        var existing = await ListAsync(memberId, cancellationToken).ConfigureAwait(false);
        var commands = existing.Select((b, i) => new BatchCommand($"u{i}", "event.unbind", b.Offline
            ? new JsonObject { ["event"] = b.Event, ["event_type"] = "offline" }
            : new JsonObject { ["event"] = b.Event, ["handler"] = b.Handler })).ToList();
        var results = await batch.RunAsync(memberId, commands, cancellationToken).ConfigureAwait(false);
        foreach (var (binding, result) in existing.Zip(results).Where(p => p.Second.Succeeded))
        {
            RegistrationLog.Unbound(logger, memberId, binding.Event, binding.Handler ?? "(offline)");
        }

        return results.Count(r => r.Succeeded);
    }

    /// <summary>The app's bindings as <c>event.get</c> lists them.</summary>
    public async Task<IReadOnlyList<EventBinding>> ListAsync(string memberId, CancellationToken cancellationToken)
    {
        var answer = await client.CallAsync(memberId, "event.get", null, cancellationToken).ConfigureAwait(false);
        return [.. (answer.Result as JsonArray ?? []).OfType<JsonObject>().Select(item => new EventBinding(
            item["event"]?.ToString().ToUpperInvariant() ?? "",
            item["handler"]?.ToString(),
            item["offline"]?.ToString() == "1",
            item["connector_id"]?.ToString() ?? ""))];
    }
}

/// <summary>One binding of the app: an online handler, or an offline queue (with its connector).</summary>
internal sealed record EventBinding(string Event, string? Handler, bool Offline, string ConnectorId);

/// <summary>What a registration did: events bound now, bindings already there, and those that failed.</summary>
internal sealed record RegistrationResult(IReadOnlyList<string> Bound, int AlreadyBound, IReadOnlyList<string> Failed);
