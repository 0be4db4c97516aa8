using Bitrix24OfflineSync.Bitrix;
using Bitrix24OfflineSync.Hosting;
using Bitrix24OfflineSync.Persistence;
using Bitrix24OfflineSync.Portals;
using Bitrix24OfflineSync.Registration;
using Bitrix24OfflineSync.Security;
using Bitrix24OfflineSync.Sync.Passes;

namespace Bitrix24OfflineSync.Operations;

/// <summary>
/// Verbs of the service binary for operators: <c>portals list</c>, <c>portals rebind (MEMBER_ID|--all)</c>,
/// <c>portals unbind MEMBER_ID</c>, <c>portals resync (MEMBER_ID [--entity E] | --all)</c>,
/// <c>portals fields MEMBER_ID [--entity E]</c>, and the dead letters' (<see cref="DeadLetterCommands"/>). They use
/// the service's own configuration (and <c>--Key=value</c> overrides). The write API's verbs are <see cref="WriteCommands"/>'.
/// Exit codes: 0 done, 1 failed, 2 bad arguments, 3 no such portal, 4 no such dead letter, 5 no such write to retry.
/// </summary>
internal static class OperatorCommands
{
    public const int Done = 0;
    public const int Failed = 1;
    public const int BadArguments = 2;
    public const int UnknownPortal = 3;
    public const int UnknownDeadLetter = 4;

    private static readonly string Usage =
        $"""
        usage: Bitrix24OfflineSync portals list
               Bitrix24OfflineSync portals rebind (MEMBER_ID | --all)
               Bitrix24OfflineSync portals unbind MEMBER_ID
               Bitrix24OfflineSync portals resync (MEMBER_ID [--entity ENTITY] | --all)
               Bitrix24OfflineSync portals fields MEMBER_ID [--entity ENTITY]
        {DeadLetterCommands.Usage}
        {WriteCommands.Usage}
        settings as for the service, e.g. --Storage:DataDirectory=/data
        """;

    public static bool IsCommand(string[] args) => args.Length > 0 && args[0] is "portals" or "deadletters" or "writes";

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, Action<WebApplicationBuilder>? configure = null)
    {
        var settings = args.Where(IsSetting).ToArray();
        var words = args.Where(a => !IsSetting(a)).ToArray();
        if (words is ["deadletters", ..] ? !DeadLetterCommands.IsValid(words)
            : words is ["writes", ..] ? !WriteCommands.IsValid(words)
            : words is not (["portals", "list"] or ["portals", "rebind", _] or ["portals", "unbind", _] or ["portals", "resync", _] or ["portals", "resync", _, "--entity", _]
                  or ["portals", "fields", _] or ["portals", "fields", _, "--entity", _]) ||
              (words[1] is "unbind" or "fields" && words[2].StartsWith('-')) ||
              (words[1] is "rebind" or "resync" && words[2].StartsWith('-') && words[2] != "--all") ||
              (words.Length == 5 && (words[2] == "--all" || words[4].StartsWith('-'))))
        {
            await error.WriteLineAsync(Usage).ConfigureAwait(false);
            return BadArguments;
        }

        var app = SyncServiceApp.Build([.. settings, "--Serilog:ToStandardError=true"], configure);
        await using (app.ConfigureAwait(false))
        {
            await app.Services.GetRequiredService<ISchemaMigrator>().StartAsync(CancellationToken.None).ConfigureAwait(false);

            var registry = app.Services.GetRequiredService<IPortalRegistry>();
            try
            {
                if (words[0] == "writes")
                {
                    return await WriteCommands.RunAsync(app.Services, words, output, error).ConfigureAwait(false);
                }

                return words[0] == "deadletters" ? await DeadLetterCommands.RunAsync(app.Services, words, output, error).ConfigureAwait(false) : words[1] switch
                {
                    "list" => await PortalListing.WriteAsync(app.Services, output).ConfigureAwait(false),
                    "resync" => await ResyncAsync(app.Services, words[2], words.Length == 5 ? words[4] : null, output, error).ConfigureAwait(false),
                    "fields" => await FieldListing.WriteAsync(app.Services, words[2], words.Length == 5 ? words[4] : null, output, error).ConfigureAwait(false),
                    "rebind" => await RebindAsync(registry, app.Services.GetRequiredService<EventRegistrar>(), words[2], output, error).ConfigureAwait(false),
                    _ => await UnbindAsync(registry, app.Services.GetRequiredService<EventRegistrar>(), words[2], output, error).ConfigureAwait(false),
                };
            }
            catch (Exception ex) when (ex is BitrixUnavailableException or BitrixApiException or PortalNeedsReauthException)
            {
                await error.WriteLineAsync($"failed: {PrintableText.Of(ex.Message)}").ConfigureAwait(false);
                return Failed;
            }
        }
    }

    private static async Task<int> ResyncAsync(IServiceProvider services, string target, string? entity, TextWriter output, TextWriter error)
    {
        var all = await services.GetRequiredService<IPortalRegistry>().ListAsync(CancellationToken.None).ConfigureAwait(false);
        var chosen = target == "--all" ? [.. all.Where(p => p.Status == PortalStatus.Active)] : all.Where(p => p.MemberId == target).ToList();
        if (chosen.Count == 0 && target != "--all")
        {
            await error.WriteLineAsync($"no portal {target}").ConfigureAwait(false);
            return UnknownPortal;
        }

        var planner = services.GetRequiredService<PassPlanner>();
        var state = services.GetRequiredService<IPortalSyncState>();
        foreach (var portal in chosen)
        {
            var entities = await planner.ResyncAsync(portal.MemberId, entity, CancellationToken.None).ConfigureAwait(false);
            if (entities.Count == 0)
            {
                await error.WriteLineAsync($"{entity} is not an entity this service syncs").ConfigureAwait(false);
                return BadArguments;
            }

            // The signal lets the running service take the portal up at its next look at the signals.
            await state.SignalAsync(portal.MemberId, CancellationToken.None).ConfigureAwait(false);
            await output.WriteLineAsync($"{Printable(portal)}: load scheduled for {string.Join(", ", entities)}").ConfigureAwait(false);
        }

        return Done;
    }

    private static async Task<int> RebindAsync(IPortalRegistry registry, EventRegistrar registrar, string target, TextWriter output, TextWriter error)
    {
        var all = await registry.ListAsync(CancellationToken.None).ConfigureAwait(false);
        var chosen = target == "--all" ? [.. all.Where(p => p.Status == PortalStatus.Active)] : all.Where(p => p.MemberId == target).ToList();
        if (chosen.Count == 0 && target != "--all")
        {
            await error.WriteLineAsync($"no portal {target}").ConfigureAwait(false);
            return UnknownPortal;
        }

        var failures = 0;
        foreach (var portal in chosen)
        {
            var result = await registrar.RegisterAsync(portal.MemberId, replaceOtherHandlers: true, CancellationToken.None).ConfigureAwait(false);
            failures += result.Failed.Count;
            await output.WriteLineAsync($"{Printable(portal)}: bound {result.Bound.Count}, already bound {result.AlreadyBound}, failed {result.Failed.Count}").ConfigureAwait(false);
        }

        return failures == 0 ? Done : Failed;
    }

    private static async Task<int> UnbindAsync(IPortalRegistry registry, EventRegistrar registrar, string memberId, TextWriter output, TextWriter error)
    {
        if (await registry.FindAsync(memberId, CancellationToken.None).ConfigureAwait(false) is null)
        {
            await error.WriteLineAsync($"no portal {memberId}").ConfigureAwait(false);
            return UnknownPortal;
        }

        var count = await registrar.UnbindAllAsync(memberId, CancellationToken.None).ConfigureAwait(false);
        await output.WriteLineAsync($"{PrintableText.Of(memberId)}: unbound {count}").ConfigureAwait(false);
        return Done;
    }

    /// <summary>A portal as the verbs name it: its member id and domain, made printable (both were stored from outside).</summary>
    private static string Printable(PortalRecord portal) => $"{PrintableText.Of(portal.MemberId)} ({PrintableText.Of(portal.Domain)})";

    private static bool IsSetting(string arg) => arg.StartsWith("--", StringComparison.Ordinal) && arg.Contains('=', StringComparison.Ordinal);
}
