using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using FuncSync.Demo;
using FuncSync.Hosting;
using FuncSync.Hosting.Azurite;
using FuncSync.Hosting.Functions;
using FuncSync.Simulators.Amazon;
using FuncSync.Simulators.Ebay;
using FuncSync.Simulators.Etsy;
using FuncSync.Simulators.Shopify;
using FuncSync.Simulators.Square;
using FuncSync.Simulators.WooCommerce;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FuncSync.Bench;

/// <summary>What FuncSync costs doing nothing: the app alone (no demo, no buyers, no orders) on Azurite with all six
/// channels configured to their simulators, every storage request it makes counted by kind over a window after a
/// warm-up, and each timer's runs counted by the status blob it writes per run. Settings given as Key=Value replace the
/// defaults (a longer poll schedule, host.json's maxPollingInterval through AzureFunctionsJobHost__…).</summary>
internal static partial class IdleBench
{
    private const double MinutesPerMonth = 30 * 24 * 60;

    public static async Task RunAsync(TimeSpan window, TimeSpan warmUp, IReadOnlyDictionary<string, string?> overrides)
    {
        await using var azurite = await AzuriteServer.StartAsync(null, NullLogger.Instance, CancellationToken.None);
        await using var shopify = await ShopifySimulator.StartAsync(new ShopifySimulatorOptions(), TimeProvider.System);
        await using var etsy = await EtsySimulator.StartAsync(new EtsySimulatorOptions(), TimeProvider.System);
        await using var square = await SquareSimulator.StartAsync(
            new SquareSimulatorOptions { NotificationUrl = new Uri("https://stall.funcsync.example/api/webhooks/square") }, TimeProvider.System);
        await using var woo = await WooCommerceSimulator.StartAsync(new WooCommerceSimulatorOptions(), TimeProvider.System);
        await using var amazon = await AmazonSimulator.StartAsync(new AmazonSimulatorOptions(), TimeProvider.System);
        await using var ebay = await EbaySimulator.StartAsync(
            new EbaySimulatorOptions { NotificationUrl = new Uri("https://shop.funcsync.example/api/webhooks/ebay") }, TimeProvider.System);

        var settings = SimulatedChannels.Settings(shopify, etsy, square);
        foreach (var more in new[] { SimulatedChannels.Settings(woo), SimulatedChannels.Settings(amazon), SimulatedChannels.Settings(ebay) })
        {
            foreach (var (key, value) in more)
            {
                settings[key] = value;
            }
        }

        settings["AzureWebJobsStorage"] = azurite.ConnectionString;
        settings["FuncSync:Shop"] = "idle";
        foreach (var (key, value) in overrides)
        {
            settings[key] = value;
        }

        using var operations = new StorageOperations(azurite.BlobPort, azurite.QueuePort, azurite.TablePort, blobNames: true);
        var (app, _) = await FuncSyncHost.StartOnLoopbackAsync(settings, LogLevel.Error);
        await using (app)
        {
            var configuration = app.Services.GetRequiredService<IConfiguration>();
            var functions = app.Services.GetRequiredService<IFunctionCatalog>().Functions;
            Console.WriteLine($"idle: six channels on their simulators, no orders; overrides: {(overrides.Count == 0 ? "none" : string.Join(", ", overrides.Select(o => $"{o.Key}={o.Value}")))}");
            Console.WriteLine($"warm-up {warmUp.TotalSeconds:F0} s, then counting for {window.TotalMinutes:F1} min");
            await Task.Delay(warmUp, TimeProvider.System);
            operations.Take();
            var clock = Stopwatch.StartNew();
            await Task.Delay(window, TimeProvider.System);
            var counted = operations.Take();
            var minutes = clock.Elapsed.TotalMinutes;
            Console.WriteLine(Report(counted, minutes, functions, configuration));
        }
    }

    private static string Report(IReadOnlyDictionary<string, int> counted, double minutes, IReadOnlyList<FunctionMetadata> functions, IConfiguration configuration)
    {
        var text = new System.Text.StringBuilder();
        var total = counted.Values.Sum();
        text.AppendLine(CultureInfo.InvariantCulture, $"{total} storage requests in {minutes:F2} min: {total / minutes:F1} a minute, {total / minutes * 60:F0} an hour, {total / minutes * MinutesPerMonth / 1e6:F2} million a 30-day month");
        foreach (var service in counted.GroupBy(c => c.Key.Split(' ')[0]).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  {service.Key}: {service.Sum(c => c.Value) / minutes:F1} a minute");
        }

        text.AppendLine("by kind, a minute:");
        foreach (var (kind, count) in counted.OrderByDescending(c => c.Value).ThenBy(c => c.Key, StringComparer.Ordinal))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  {count / minutes,8:F1}  {kind}");
        }

        text.AppendLine("functions (timer runs counted by their status-blob writes):");
        foreach (var function in functions.OrderBy(f => f.Trigger.GetType().Name, StringComparer.Ordinal).ThenBy(f => f.Name, StringComparer.Ordinal))
        {
            switch (function.Trigger)
            {
                case TimerFunctionTrigger timer:
                    var runs = counted.Where(c => c.Key.StartsWith("blob PUT ", StringComparison.Ordinal) && c.Key.EndsWith($"/{function.Name}/status", StringComparison.Ordinal)).Sum(c => c.Value);
                    text.AppendLine(CultureInfo.InvariantCulture, $"  timer {function.Name,-28} {Resolve(timer.Schedule, configuration),-18} {runs / minutes,7:F2} runs a minute");
                    break;
                case QueueFunctionTrigger queue:
                    var polls = counted.Where(c => c.Key.StartsWith("queue GET ", StringComparison.Ordinal) && QueueOf(c.Key) == queue.QueueName).Sum(c => c.Value);
                    text.AppendLine(CultureInfo.InvariantCulture, $"  queue {function.Name,-28} {queue.QueueName,-26} {polls / minutes,6:F1} receives a minute");
                    break;
                default:
                    break;
            }
        }

        return text.ToString();
    }

    // "queue GET idle-inventory-events/messages" → "inventory-events", whatever storage prefix the queue carries.
    private static string QueueOf(string kind) => QueueName().Match(kind) is { Success: true } m ? m.Groups[1].Value : "";

    private static string Resolve(string schedule, IConfiguration configuration) =>
        schedule is ['%', .. var name, '%'] ? configuration[name] ?? schedule : schedule;

    [GeneratedRegex(@"^queue GET (?:[a-z0-9]+-)??([a-z0-9-]+)/messages$")]
    private static partial Regex QueueName();
}
