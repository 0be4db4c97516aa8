using System.Diagnostics;
using System.Text;

namespace Bitrix24OfflineSync.TestKit;

/// <summary>A process a test starts (the published service, nginx, the runnable emulator): output collected line by line, and killed with its children on dispose.</summary>
public sealed class ChildProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly List<(string Text, TaskCompletionSource Seen)> _awaited = [];

    private ChildProcess(Process process) => _process = process;

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

    public bool HasExited => _process.HasExited;

    public int ProcessId => _process.Id;

    public int ExitCode => _process.ExitCode;

    /// <summary>Starts a process; <paramref name="standardInput"/>, when given, is written to its input before that is closed.</summary>
    public static ChildProcess Start(
        string fileName, IEnumerable<string> arguments, string workingDirectory, IDictionary<string, string?>? environment = null, string? standardInput = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            StandardInputEncoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        // Build servers (MSBuild nodes, the compiler server) started by a child would inherit its output pipes and
        // outlive it by minutes; waiting for those pipes to close would then hang the test run.
        info.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        info.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        info.Environment["UseSharedCompilation"] = "false";
        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            info.Environment[key] = value;
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var child = new ChildProcess(process);
        process.OutputDataReceived += (_, e) => child.Append(e.Data);
        process.ErrorDataReceived += (_, e) => child.Append(e.Data);
        process.Exited += (_, _) => child.FailWaiters();
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (standardInput is not null)
        {
            process.StandardInput.Write(standardInput);
        }

        process.StandardInput.Close();
        return child;
    }

    /// <summary>Runs a command to its end and returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(
        string fileName, IEnumerable<string> arguments, string workingDirectory, IDictionary<string, string?>? environment, TimeSpan limit, string? standardInput = null)
    {
        using var child = Start(fileName, arguments, workingDirectory, environment, standardInput);
        await Wait.ForAsync(child._process.WaitForExitAsync, $"'{fileName} {string.Join(' ', arguments)}' has exited", limit);
        return (child._process.ExitCode, child.Output);
    }

    /// <summary>Completes when a line containing <paramref name="text"/> is written; fails if the process exits first.</summary>
    public Task WaitForLineAsync(string text, CancellationToken cancellationToken)
    {
        var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_output)
        {
            if (_output.ToString().Contains(text, StringComparison.Ordinal))
            {
                return Task.CompletedTask;
            }

            _awaited.Add((text, seen));
        }

        if (_process.HasExited)
        {
            FailWaiters();
        }

        return seen.Task.WaitAsync(cancellationToken);
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(TimeSpan.FromSeconds(10));
            }
        }
        finally
        {
            _process.Dispose();
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
            foreach (var (text, seen) in _awaited.Where(a => line.Contains(a.Text, StringComparison.Ordinal)).ToList())
            {
                seen.TrySetResult();
                _awaited.Remove((text, seen));
            }
        }
    }

    private void FailWaiters()
    {
        // The exit event can come before the last lines are read; waiting drains them (bounded: a pipe inherited by
        // a process that outlives the child would otherwise keep this waiting).
        _process.WaitForExit(TimeSpan.FromSeconds(10));
        lock (_output)
        {
            foreach (var (text, seen) in _awaited)
            {
                if (_output.ToString().Contains(text, StringComparison.Ordinal))
                {
                    seen.TrySetResult();
                }
                else
                {
                    seen.TrySetException(new InvalidOperationException($"the process exited ({_process.ExitCode}) before writing \"{text}\":\n{_output}"));
                }
            }

            _awaited.Clear();
        }
    }
}
