using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace FuncSync.Testing;

/// <summary>FuncSync as a separate operating-system process, so a test can kill it the way a crash
/// or a scale-in does: no finally blocks, no graceful shutdown.</summary>
internal sealed class AppProcess : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private int _errorLines;

    private AppProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => Keep(e.Data);
        _process.ErrorDataReceived += (_, e) => Keep(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>Lines logged at error or critical level (the console formatter's <c>fail:</c> and <c>crit:</c>).</summary>
    public int ErrorLines => Volatile.Read(ref _errorLines);

    /// <summary>The last lines the process wrote, for a failing test's message.</summary>
    public string Tail => string.Join(Environment.NewLine, _output);

    /// <param name="url">Where it listens; a fixed port lets a restarted process keep the address senders know.</param>
    public static AppProcess Start(IReadOnlyDictionary<string, string?> settings, string workingDirectory, string url = "http://127.0.0.1:0")
    {
        var app = Path.Combine(AppContext.BaseDirectory, "FuncSync.App.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { app },
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["ASPNETCORE_URLS"] = url;
        start.Environment.Remove(FuncSync.Hosting.FunctionsHostEnvironment.HostEndpointVariable);
        foreach (var (key, value) in settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        return new AppProcess(Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start."));
    }

    /// <summary>A loopback address nobody listens on now, for a process that must keep its address across restarts.</summary>
    public static string FreeLoopbackUrl()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}");
    }

    /// <summary>SIGTERM, as a service manager or a container runtime stops a process.</summary>
    public void Terminate()
    {
        using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-TERM", _process.Id.ToString(CultureInfo.InvariantCulture) } })
            ?? throw new InvalidOperationException("kill did not start.");
        kill.WaitForExit();
    }

    /// <returns>False when the process was still running at the deadline.</returns>
    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        try
        {
            await _process.WaitForExitAsync().WaitAsync(timeout);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    /// <summary>SIGKILL: the process gets no chance to finish anything.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            Kill();
        }

        _process.Dispose();
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        if (line.StartsWith("fail:", StringComparison.Ordinal) || line.StartsWith("crit:", StringComparison.Ordinal))
        {
            Interlocked.Increment(ref _errorLines);
        }

        _output.Enqueue(line);
        while (_output.Count > 40)
        {
            _output.TryDequeue(out _);
        }
    }
}
