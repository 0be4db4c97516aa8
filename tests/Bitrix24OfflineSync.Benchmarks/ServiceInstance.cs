using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Bitrix24OfflineSync.Benchmarks;

/// <summary>One service instance: the service binary in its own process, on a loopback port.</summary>
internal sealed class ServiceInstance : IAsyncDisposable
{
    private readonly Process _process;
    private readonly System.Text.StringBuilder _output = new();

    private ServiceInstance(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public Uri EventsUrl => new(BaseAddress, "bitrix24/events");

    public bool HasExited => _process.HasExited;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static async Task<ServiceInstance> StartAsync(IReadOnlyDictionary<string, string> settings, string data, int? port = null)
    {
        var listen = port ?? FreePort();
        var binary = Path.Combine(AppContext.BaseDirectory, "Bitrix24OfflineSync.dll");
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = AppContext.BaseDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(binary);
        foreach (var (key, value) in settings)
        {
            start.Environment[key] = value;
        }

        start.Environment["urls"] = $"http://127.0.0.1:{listen}";
        // Instances run side by side: none takes the management port.
        start.Environment["Metrics__Urls"] = "";
        Directory.CreateDirectory(data);
        var process = Process.Start(start) ?? throw new InvalidOperationException("The service did not start");
        var instance = new ServiceInstance(process, new Uri($"http://127.0.0.1:{listen}/"));
        process.OutputDataReceived += (_, e) => instance.Append(e.Data);
        process.ErrorDataReceived += (_, e) => instance.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await instance.WaitReadyAsync();
        return instance;
    }

    /// <summary>The instance's peak resident set (VmHWM), read from /proc while it runs.</summary>
    public int ProcessId => _process.Id;

    /// <summary>The CPU time (user and system) the instance has used so far, read from /proc.</summary>
    public double CpuSeconds() => CpuSeconds(File.ReadAllText($"/proc/{_process.Id}/stat"));

    /// <summary>The CPU time (user and system) in a process's /proc stat line.</summary>
    public static double CpuSeconds(string stat)
    {
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name; in clock ticks of 1/100 s.
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
    }

    /// <summary>The instance's resident set now (VmRSS), from /proc.</summary>
    public double MemoryMb() => Status("VmRSS:");

    public double PeakMemoryMb() => Status("VmHWM:");

    private double Status(string key)
    {
        var line = File.ReadLines($"/proc/{_process.Id}/status").First(l => l.StartsWith(key, StringComparison.Ordinal));
        var kilobytes = long.Parse(line[key.Length..].Replace("kB", "", StringComparison.Ordinal).Trim(), CultureInfo.InvariantCulture);
        return kilobytes / 1024.0;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            // SIGTERM: the service stops its drains and leaves, as under an orchestrator.
            using (var term = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                await term.WaitForExitAsync();
            }

            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await _process.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }

    private async Task WaitReadyAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < until)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The service exited with {_process.ExitCode}:\n{Output}");
            }

            try
            {
                using var answer = await http.GetAsync(new Uri(BaseAddress, "health/ready"));
                if (answer.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"The service was not ready within a minute:\n{Output}");
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
