using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;

namespace FuncSync.Hosting.Azurite;

/// <summary>A real Azurite (pinned in the repository's package-lock.json) on free ports, for local runs and
/// integration tests. There is deliberately no fallback: if Azurite cannot start, this throws.</summary>
public sealed partial class AzuriteServer : IAsyncDisposable
{
    /// <summary>The well-known development account key; it is public and grants nothing outside Azurite.</summary>
    private const string DevelopmentAccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private const string DevelopmentAccount = "devstoreaccount1";
    private const string Host = "127.0.0.1";
    private const string ScriptRelativePath = "node_modules/azurite/dist/src/azurite.js";
    private const string Fix = "Install Node.js and run `npm ci` in the repository root.";

    private const string SetsidPath = "/usr/bin/setsid";

    /// <summary>Runs Azurite's own entry script (argv[1]) in a Node.js that exits when its stdin closes.</summary>
    private const string ParentWatchdog = "process.stdin.on('end',()=>process.exit(0));process.stdin.on('error',()=>process.exit(0));process.stdin.resume();require(process.argv[1]);";

    private static readonly TimeSpan DefaultStartTimeout = TimeSpan.FromSeconds(30);
    private readonly Process _process;
    private readonly ILogger _logger;

    private AzuriteServer(Process process, int blobPort, int queuePort, int tablePort, ILogger logger)
    {
        _process = process;
        _logger = logger;
        BlobPort = blobPort;
        QueuePort = queuePort;
        TablePort = tablePort;
        ConnectionString = string.Create(
            CultureInfo.InvariantCulture,
            $"DefaultEndpointsProtocol=http;AccountName={DevelopmentAccount};AccountKey={DevelopmentAccountKey};"
            + $"BlobEndpoint=http://{Host}:{blobPort}/{DevelopmentAccount};"
            + $"QueueEndpoint=http://{Host}:{queuePort}/{DevelopmentAccount};"
            + $"TableEndpoint=http://{Host}:{tablePort}/{DevelopmentAccount};");
    }

    public string ConnectionString { get; }

    public int BlobPort { get; }

    public int QueuePort { get; }

    public int TablePort { get; }

    /// <param name="dataDirectory">Where Azurite keeps its data; null keeps everything in memory.</param>
    public static Task<AzuriteServer> StartAsync(string? dataDirectory, ILogger logger, CancellationToken cancellationToken) =>
        StartAsync(dataDirectory, FindScript(), "node", DefaultStartTimeout, logger, cancellationToken);

    internal static async Task<AzuriteServer> StartAsync(
        string? dataDirectory, string scriptPath, string nodeExecutable, TimeSpan startTimeout, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(logger);
        if (!File.Exists(scriptPath))
        {
            throw new InvalidOperationException($"Azurite was not found at '{scriptPath}'. {Fix}");
        }

        // Its own session (setsid, where there is one): Ctrl+C in a terminal signals the terminal's whole process group,
        // and Azurite must outlive the app's stop, which still needs storage, and be stopped last, by DisposeAsync.
        var startInfo = new ProcessStartInfo(File.Exists(SetsidPath) ? SetsidPath : nodeExecutable)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            CreateNoWindow = true,
        };
        if (File.Exists(SetsidPath))
        {
            startInfo.ArgumentList.Add("--wait");
            startInfo.ArgumentList.Add(nodeExecutable);
        }

        // Out of the terminal's reach, Azurite needs another way to learn that the app is gone (kill -9 included): its
        // stdin is a pipe from the app, which the kernel closes when the app dies, and then it exits.
        startInfo.ArgumentList.Add("-e");
        startInfo.ArgumentList.Add(ParentWatchdog);
        startInfo.ArgumentList.Add(scriptPath);
        foreach (var argument in new[] { "--blobHost", Host, "--queueHost", Host, "--tableHost", Host, "--blobPort", "0", "--queuePort", "0", "--tablePort", "0", "--silent", "--disableTelemetry" })
        {
            startInfo.ArgumentList.Add(argument);
        }

        // The pinned SDKs send a newer x-ms-version (Queues 12.28: 2026-10-06) than Azurite 3.37 accepts
        // (2026-06-06). Skipping the check here keeps the production clients on their default version.
        startInfo.ArgumentList.Add("--skipApiVersionCheck");

        if (dataDirectory is null)
        {
            // Bounded, so a long test run cannot take half the machine's memory (Azurite's default).
            startInfo.ArgumentList.Add("--inMemoryPersistence");
            startInfo.ArgumentList.Add("--extentMemoryLimit");
            startInfo.ArgumentList.Add("256");
            startInfo.WorkingDirectory = Path.GetTempPath();
        }
        else
        {
            Directory.CreateDirectory(dataDirectory);
            startInfo.ArgumentList.Add("--location");
            startInfo.ArgumentList.Add(dataDirectory);
            startInfo.WorkingDirectory = dataDirectory;
        }

        var output = new StringBuilder();
        var ports = new Dictionary<string, int>(StringComparer.Ordinal);
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };

        void OnLine(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (output)
            {
                output.AppendLine(line);
                if (ListeningLine().Match(line) is { Success: true } match)
                {
                    ports[match.Groups["service"].Value] = int.Parse(match.Groups["port"].Value, CultureInfo.InvariantCulture);
                    if (ports.Count == 3)
                    {
                        ready.TrySetResult();
                    }
                }
            }

            logger.LogDebug("Azurite: {Line}", line);
        }

        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        process.Exited += (_, _) => ready.TrySetException(new InvalidOperationException("Azurite exited before it was ready."));

        try
        {
            process.Start();
        }
        catch (Win32Exception ex)
        {
            process.Dispose();
            throw new InvalidOperationException($"Node.js ('{nodeExecutable}') could not be started, so Azurite cannot run. {Fix}", ex);
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        try
        {
            await ready.Task.WaitAsync(startTimeout, TimeProvider.System, cancellationToken);
        }
        catch (Exception ex)
        {
            await KillAsync(process);
            process.Dispose();
            string captured;
            lock (output)
            {
                captured = output.ToString();
            }

            if (ex is OperationCanceledException && cancellationToken.IsCancellationRequested)
            {
                throw;
            }

            var reason = ex is TimeoutException ? $"did not report its ports within {startTimeout.TotalSeconds:0} s" : "failed to start";
            throw new InvalidOperationException($"Azurite {reason}. {Fix} Output:{Environment.NewLine}{captured}", ex);
        }

        var server = new AzuriteServer(process, ports["Blob"], ports["Queue"], ports["Table"], logger);
        logger.LogInformation("Azurite listening: blob {BlobPort}, queue {QueuePort}, table {TablePort}", server.BlobPort, server.QueuePort, server.TablePort);
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync(_process);
        _process.Dispose();
        _logger.LogDebug("Azurite stopped");
    }

    /// <summary>Walks up from the test or app binaries, then from the current directory, to the repository's node_modules.</summary>
    internal static string FindScript()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                var candidate = Path.Combine(directory.FullName, ScriptRelativePath);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        throw new InvalidOperationException(
            $"Azurite was not found: no '{ScriptRelativePath}' above '{AppContext.BaseDirectory}' or '{Directory.GetCurrentDirectory()}'. {Fix}");
    }

    private static async Task KillAsync(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10), TimeProvider.System);
                await process.WaitForExitAsync(timeout.Token);
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or OperationCanceledException or Win32Exception)
        {
            // Already gone, or it would not die in time; nothing more can be done from here.
        }
    }

    [GeneratedRegex(@"Azurite (?<service>Blob|Queue|Table) service is successfully listening at https?://[^\s:]+:(?<port>\d+)")]
    private static partial Regex ListeningLine();
}
