using System.Globalization;
using Bitrix24OfflineSync.Bitrix;
using Bitrix24OfflineSync.Hosting;
using Bitrix24OfflineSync.Persistence;
using Bitrix24OfflineSync.Portals;
using Bitrix24OfflineSync.Registration;
using Bitrix24OfflineSync.Sync.Journal;

namespace Bitrix24OfflineSync.Operations;

/// <summary>
/// Verbs of the service binary for operators: <c>portals list</c>, <c>portals rebind (MEMBER_ID|--all)</c>,
/// <c>portals unbind MEMBER_ID</c>. They use the service's own configuration (and <c>--Key=value</c> overrides).
/// Exit codes: 0 done, 1 failed, 2 bad arguments, 3 no such portal.
/// </summary>
internal static class OperatorCommands
{
    public const int Done = 0;
    public const int Failed = 1;
    public const int BadArguments = 2;
    public const int UnknownPortal = 3;

    private const string Usage =
        """
        usage: Bitrix24OfflineSync portals list
               Bitrix24OfflineSync portals rebind (MEMBER_ID | --all)
               Bitrix24OfflineSync portals unbind MEMBER_ID
        settings as for the service, e.g. --Storage:DataDirectory=/data
        """;

    public static bool IsCommand(string[] args) => args.Length > 0 && args[0] == "portals";

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, Action<WebApplicationBuilder>? configure = null)
    {
        var settings = args.Where(IsSetting).ToArray();
        var words = args.Where(a => !IsSetting(a)).ToArray();
        if (words is not (["portals", "list"] or ["portals", "rebind", _] or ["portals", "unbind", _]) ||
            (words[1] == "unbind" && words[2].StartsWith('-')) || (words[1] == "rebind" && words[2].StartsWith('-') && words[2] != "--all"))
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
                return words[1] switch
                {
                    "list" => await ListAsync(registry, app.Services.GetRequiredService<IFailureLog>(), output).ConfigureAwait(false),
                    "rebind" => await RebindAsync(registry, app.Services.GetRequiredService<EventRegistrar>(), words[2], output, error).ConfigureAwait(false),
                    _ => await UnbindAsync(registry, app.Services.GetRequiredService<EventRegistrar>(), words[2], output, error).ConfigureAwait(false),
                };
            }
            catch (Exception ex) when (ex is BitrixUnavailableException or BitrixApiException or PortalNeedsReauthException)
            {
                await error.WriteLineAsync($"failed: {ex.Message}").ConfigureAwait(false);
                return Failed;
            }
        }
    }

    private static async Task<int> ListAsync(IPortalRegistry registry, IFailureLog failures, TextWriter output)
    {
        var portals = await registry.OverviewAsync(CancellationToken.None).ConfigureAwait(false);
        var dead = await failures.DeadLetterCountsAsync(CancellationToken.None).ConfigureAwait(false);
        await output.WriteLineAsync($"{"MEMBER_ID",-32}  {"DOMAIN",-30}  {"STATUS",-12}  {"PLAN",-8}  {"LAST_DRAIN",-20}  {"BACKLOG",7}  {"SYNCED",9}  {"DEAD",5}").ConfigureAwait(false);
        foreach (var p in portals)
        {
            var plan = p.OfflineExtended switch { true => "extended", false => "basic", null => "unknown" };
            var lastDrain = p.LastDrainAt?.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) ?? "never";
            await output.WriteLineAsync($"{p.MemberId,-32}  {p.Domain,-30}  {Status(p.Status),-12}  {plan,-8}  {lastDrain,-20}  {p.LastBacklog,7}  {p.SyncedObjects,9}  {dead.GetValueOrDefault(p.MemberId),5}").ConfigureAwait(false);
        }

        await output.WriteLineAsync($"{portals.Count} portals").ConfigureAwait(false);
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
            await output.WriteLineAsync($"{portal.MemberId} ({portal.Domain}): bound {result.Bound.Count}, already bound {result.AlreadyBound}, failed {result.Failed.Count}").ConfigureAwait(false);
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
        await output.WriteLineAsync($"{memberId}: unbound {count}").ConfigureAwait(false);
        return Done;
    }

    private static string Status(PortalStatus status) => status switch
    {
        PortalStatus.Active => "active",
        PortalStatus.NeedsReauth => "needs_reauth",
        _ => "uninstalled",
    };

    private static bool IsSetting(string arg) => arg.StartsWith("--", StringComparison.Ordinal) && arg.Contains('=', StringComparison.Ordinal);
}
