using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Bitrix24OfflineSync.Telemetry;
using Bitrix24OfflineSync.TestKit;
using Bitrix24OfflineSync.Tests.Infrastructure;

namespace Bitrix24OfflineSync.Tests.Telemetry;

/// <summary>
/// The deploy folder's alert rules (<c>deploy/prometheus</c>) and Grafana dashboard (<c>deploy/grafana</c>) against the
/// service's real exposition: a real Prometheus scrapes a service that drained a portal and loads the rules; promtool
/// checks the exposition, the rules and their unit tests; every metric the rules and the dashboard name is exported.
/// <para>
/// The names are not checked against the samples of one scrape: the exporter prints a family only once it has a sample,
/// so dead letters, token refreshes, operating-time blocks and unfinished passes are absent until such an event. They
/// are checked against the instruments the service declares (its <c>Create*</c> calls, read from the sources) under
/// the exporter's naming: <c>_seconds</c> for unit <c>s</c>, nothing for a <c>{annotation}</c> unit, <c>_total</c> for
/// counters. That naming is itself checked against the exposition of a drained service, so it cannot pass on a guess:
/// every <c>b24sync_</c> family printed is a declared one of the same type, every declared one is printed but for
/// those events, and an instrument with a unit the naming does not know fails the test.
/// </para>
/// </summary>
public sealed partial class PrometheusTests
{
    private const string Job = "b24sync";
    private static readonly TimeSpan ToolLimit = TimeSpan.FromSeconds(60);

    /// <summary>Families printed only after their event: a drain of new deals need not make any.</summary>
    private static readonly string[] EventFamilies =
        ["b24sync_dead_letters_total", "b24sync_operating_time_blocks_total", "b24sync_token_refreshes_total", "b24sync_passes_unfinished", "b24sync_writes_total"];

    /// <summary>The dashboard's variables, as Grafana would fill them for the test's Prometheus.</summary>
    private static readonly (string Variable, string Value)[] DashboardVariables =
        [("$__rate_interval", "1m"), ("$__range", "1h"), ("$job", Job), ("$instance", ".*")];

    private static string Root => Repository.Root;

    private static string AlertsFile => Path.Combine(Root, "deploy", "prometheus", "alerts.yml");

    private static string DashboardFile => Path.Combine(Root, "deploy", "grafana", "b24sync-dashboard.json");

    [Fact]
    public async Task ARealPrometheus_ScrapesTheDrainedService_LoadsEveryAlertRuleAndRunsEveryDashboardQuery()
    {
        SkipUnlessPrometheus();
        await using var fixture = await MetricsKit.StartServiceAsync();
        await using var prometheus = await PrometheusServer.StartAsync(fixture.Service.ManagementAddress!, Job, [AlertsFile]);

        await MetricsKit.DrainChangesAsync(fixture);

        await Wait.UntilAsync(
            async () => (await prometheus.QueryAsync($"b24sync_objects_synced_total{{job=\"{Job}\"}} > 0")).Count > 0,
            "Prometheus has scraped b24sync_objects_synced_total > 0");
        var alerts = AlertNames();
        Assert.NotEmpty(alerts);
        await Wait.UntilPassesAsync(async () =>
        {
            var group = Assert.Single(await prometheus.RuleGroupsAsync(), g => g?["name"]?.GetValue<string>() == Job);
            var rules = (group!["rules"] as JsonArray ?? []).OfType<JsonObject>().ToList();
            Assert.Equal(alerts.Order(StringComparer.Ordinal), rules.Select(r => r["name"]!.GetValue<string>()).Order(StringComparer.Ordinal));
            Assert.All(rules, rule =>
            {
                var name = rule["name"]!.GetValue<string>();
                Assert.True(rule["health"]?.GetValue<string>() == "ok", $"{name}: health {rule["health"]} {rule["lastError"]}");
                Assert.True(rule["duration"]?.GetValue<double>() > 0, $"{name} has no 'for'");
                Assert.Contains(rule["labels"]?["severity"]?.GetValue<string>(), (string?[])["warning", "critical"]);
                Assert.False(string.IsNullOrWhiteSpace(rule["annotations"]?["summary"]?.GetValue<string>()), $"{name} has no summary");
                Assert.False(string.IsNullOrWhiteSpace(rule["annotations"]?["description"]?.GetValue<string>()), $"{name} has no description");
            });
        });

        var queries = DashboardQueries();
        Assert.NotEmpty(queries);
        foreach (var (panel, expression) in queries)
        {
            var query = DashboardVariables.Aggregate(expression, (q, v) => q.Replace(v.Variable, v.Value, StringComparison.Ordinal));
            Assert.False(query.Contains('$', StringComparison.Ordinal), $"{panel}: a dashboard variable the test does not fill: {expression}");
            var answer = await prometheus.GetAsync($"api/v1/query?query={Uri.EscapeDataString(query)}");
            Assert.True(answer["status"]?.GetValue<string>() == "success", $"{panel}: Prometheus refused {query}: {answer["error"]}");
        }
    }

    [Fact]
    public async Task Promtool_AcceptsTheExposition_ItsLintNamesNoMetricOfTheService()
    {
        SkipUnlessPrometheus();
        await using var fixture = await MetricsKit.StartServiceAsync();
        await MetricsKit.DrainChangesAsync(fixture);
        var exposition = await MetricsKit.ScrapeAsync(fixture.Service);

        var (exitCode, output) = await ChildProcess.RunAsync(
            PrometheusServer.Find("promtool")!, ["check", "metrics"], Path.GetTempPath(), null, ToolLimit, standardInput: exposition);

        // promtool exits 0 when it has nothing to say, 3 when it only has lint problems (one line each: the family, then
        // the problem), 1 when it cannot parse the exposition. Lint problems are acceptable for the families of the
        // libraries' meters (their names follow OpenTelemetry's conventions, such as dotnet_timer_count or Polly's
        // milliseconds), never for the service's own.
        Assert.True(exitCode is 0 or 3, $"promtool check metrics exited {exitCode}:\n{output}");
        var scopes = MetricsKit.Scopes(exposition);
        Assert.Equal(ServiceTelemetry.Name, scopes.GetValueOrDefault("b24sync_objects_synced_total"));
        var problems = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(exitCode == 3, problems.Length > 0);
        Assert.All(problems, problem =>
        {
            var family = problem.Split(' ')[0];
            Assert.True(scopes.TryGetValue(family, out var scope), $"promtool: {problem}");
            Assert.True(scope != ServiceTelemetry.Name, $"promtool lints the service's own {problem}");
        });
    }

    [Fact]
    public async Task Promtool_AcceptsTheAlertRulesTheirUnitTestsAndTheExampleConfiguration()
    {
        SkipUnlessPrometheus();
        var promtool = PrometheusServer.Find("promtool")!;
        var folder = Path.GetDirectoryName(AlertsFile)!;

        var rules = await ChildProcess.RunAsync(promtool, ["check", "rules", AlertsFile], folder, null, ToolLimit);
        Assert.True(rules.ExitCode == 0, rules.Output);
        Assert.Contains($"SUCCESS: {AlertNames().Count} rules found", rules.Output, StringComparison.Ordinal);

        var tests = await ChildProcess.RunAsync(promtool, ["test", "rules", "alerts.test.yml"], folder, null, ToolLimit);
        Assert.True(tests.ExitCode == 0, tests.Output);

        var config = await ChildProcess.RunAsync(promtool, ["check", "config", "prometheus.yml"], folder, null, ToolLimit);
        Assert.True(config.ExitCode == 0, config.Output);
    }

    [Fact]
    public async Task EveryMetricTheRulesAndTheDashboardName_IsOneTheServiceExports()
    {
        var declared = DeclaredFamilies();
        await using var fixture = await MetricsKit.StartServiceAsync();
        await MetricsKit.DrainChangesAsync(fixture);
        var exposition = MetricsKit.Families(await MetricsKit.ScrapeAsync(fixture.Service));

        // The naming rules hold for what the exporter prints.
        var printed = exposition.Keys.Where(f => f.StartsWith("b24sync_", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(printed);
        Assert.All(printed, family => Assert.True(
            declared.GetValueOrDefault(family) == exposition[family],
            $"{family} ({exposition[family]}) is printed, but no instrument maps to it: declared {string.Join(", ", declared.Select(d => $"{d.Key} ({d.Value})"))}"));
        Assert.Empty(declared.Keys.Except(printed).Except(EventFamilies));

        var dashboard = string.Join('\n', DashboardQueries().Select(q => q.Expression));
        var named = new[] { File.ReadAllText(AlertsFile), File.ReadAllText(Path.Combine(Root, "deploy", "prometheus", "alerts.test.yml")), dashboard }
            .SelectMany(text => ServiceMetricName().Matches(text).Select(m => m.Value))
            .Distinct(StringComparer.Ordinal)
            .ToList();
        Assert.Contains("b24sync_drain_round_duration_seconds_bucket", named);
        Assert.DoesNotContain(named, name => !MetricsKit.Names(declared, name));

        // The libraries' metrics the dashboard shows (ASP.NET Core, runtime, Polly) are printed from the start.
        var libraries = LibraryMetricName().Matches(LabelNames().Replace(dashboard, " ")).Select(m => m.Value).Distinct(StringComparer.Ordinal).ToList();
        Assert.NotEmpty(libraries);
        Assert.DoesNotContain(libraries, name => !MetricsKit.Names(exposition, name));
    }

    private static void SkipUnlessPrometheus()
    {
        if (PrometheusServer.WhyUnavailable() is { } reason)
        {
            Skip.Because(reason);
        }
    }

    private static List<string> AlertNames() =>
        [.. AlertLine().Matches(File.ReadAllText(AlertsFile)).Select(m => m.Groups["name"].Value)];

    /// <summary>Every query of the dashboard: each panel's targets, and the variables' queries.</summary>
    private static List<(string Panel, string Expression)> DashboardQueries()
    {
        var dashboard = JsonNode.Parse(File.ReadAllText(DashboardFile))!.AsObject();
        var queries = new List<(string, string)>();
        var panels = (dashboard["panels"] as JsonArray ?? []).OfType<JsonObject>()
            .SelectMany(p => (p["panels"] as JsonArray ?? []).OfType<JsonObject>().Prepend(p))
            .Where(p => p["type"]?.GetValue<string>() != "row")
            .ToList();
        Assert.NotEmpty(panels);
        foreach (var panel in panels)
        {
            var title = panel["title"]?.GetValue<string>() ?? "?";
            var expressions = (panel["targets"] as JsonArray ?? []).Select(t => t?["expr"]?.GetValue<string>()).ToList();
            Assert.True(expressions.Count > 0 && expressions.All(e => !string.IsNullOrWhiteSpace(e)), $"panel {title} has a target without a query");
            queries.AddRange(expressions.Select(e => (title, e!)));
        }

        foreach (var variable in (dashboard["templating"]?["list"] as JsonArray ?? []).OfType<JsonObject>().Where(v => v["type"]?.GetValue<string>() == "query"))
        {
            queries.Add(($"variable {variable["name"]}", LabelValues().Replace(variable["definition"]!.GetValue<string>(), "${selector}")));
        }

        return queries;
    }

    /// <summary>
    /// The metric families the service's meter declares, as the exporter names them: name to Prometheus type.
    /// </summary>
    private static Dictionary<string, string> DeclaredFamilies()
    {
        var families = new Dictionary<string, string>(StringComparer.Ordinal);
        var sources = Path.Combine(Root, "src", "Bitrix24OfflineSync");
        foreach (var path in Directory.EnumerateFiles(sources, "*.cs", SearchOption.AllDirectories).Where(p => !p.Contains("/obj/", StringComparison.Ordinal)))
        {
            var text = File.ReadAllText(path);
            var calls = InstrumentCall().Matches(text);
            for (var i = 0; i < calls.Count; i++)
            {
                // The unit of a call is named between it and the next call.
                var end = i + 1 < calls.Count ? calls[i + 1].Index : text.Length;
                var unit = UnitArgument().Match(text[calls[i].Index..end]) is { Success: true } u ? u.Groups["unit"].Value : "";
                var kind = calls[i].Groups["kind"].Value;
                var name = calls[i].Groups["name"].Value + unit switch
                {
                    "s" => "_seconds",
                    "" => "",
                    _ when unit.StartsWith('{') && unit.EndsWith('}') => "",
                    _ => throw new InvalidOperationException($"{calls[i].Groups["name"].Value} in {path}: unit '{unit}' is new here; verify how the exporter names it and add it"),
                };
                var (suffix, type) = kind switch
                {
                    "Counter" or "ObservableCounter" => ("_total", "counter"),
                    "Histogram" => ("", "histogram"),
                    _ => ("", "gauge"),
                };
                families.Add(name + suffix, type);
            }
        }

        Assert.True(families.Count >= 10, $"only {families.Count} instruments found under {sources}: is the pattern stale?");
        return families;
    }

    [GeneratedRegex(@"^\s*-\s*alert:\s*(?<name>\S+)\s*$", RegexOptions.Multiline)]
    private static partial Regex AlertLine();

    [GeneratedRegex(@"\bCreate(?<kind>Counter|UpDownCounter|Histogram|Gauge|ObservableCounter|ObservableUpDownCounter|ObservableGauge)\s*(?:<[^>(]*>)?\s*\(\s*""(?<name>[^""]+)""")]
    private static partial Regex InstrumentCall();

    [GeneratedRegex(@"\bunit:\s*""(?<unit>[^""]*)""")]
    private static partial Regex UnitArgument();

    [GeneratedRegex(@"\bb24sync_[a-z_]+")]
    private static partial Regex ServiceMetricName();

    [GeneratedRegex(@"\b(?:http|dotnet|kestrel|aspnetcore|resilience)_[a-z_]+")]
    private static partial Regex LibraryMetricName();

    /// <summary>Where a query names labels rather than metrics: its matchers and its grouping and matching clauses.</summary>
    [GeneratedRegex(@"\{[^}]*\}|\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")]
    private static partial Regex LabelNames();

    /// <summary>Grafana's <c>label_values(selector, label)</c>: the selector is the query Prometheus runs.</summary>
    [GeneratedRegex(@"^label_values\((?<selector>.+),\s*\w+\)$")]
    private static partial Regex LabelValues();
}
