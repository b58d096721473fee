using System.Diagnostics;
using System.Globalization;
using Azure;
using Azure.Data.Tables;
using FuncSync.Catalog;
using FuncSync.Domain.Ledger;
using FuncSync.Hosting.Azurite;
using FuncSync.Hosting.Storage;
using FuncSync.Ledger;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FuncSync.Bench;

/// <summary>Ledger events applied per second on one shop partition, sequentially and with 8 workers,
/// next to the raw rate of entity-group transactions of the same shape on the same partition (the
/// ceiling), measured in one run against one Azurite.</summary>
internal static class LedgerBench
{
    private const int Skus = 200;

    public static async Task RunAsync(int events)
    {
        await using var azurite = await AzuriteServer.StartAsync(null, NullLogger.Instance, CancellationToken.None);
        var (app, _) = await FuncSyncHost.StartOnLoopbackAsync(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            ["FuncSync:Shop"] = "bench",
            ["FuncSync:RunTriggers"] = "false",
            ["Shopify:ShopDomain"] = "bench.myshopify.com",
            ["Shopify:AdminApiBaseUrl"] = "http://127.0.0.1:9/",
            ["Shopify:AccessToken"] = "unused",
            ["Shopify:WebhookSecret"] = "unused",
            ["Etsy:ApiBaseUrl"] = "http://127.0.0.1:9/",
            ["Etsy:ShopId"] = "1",
            ["Etsy:Keystring"] = "unused",
            ["Etsy:SharedSecret"] = "unused",
            ["Etsy:AccessToken"] = "unused",
        }, LogLevel.Error);
        await using var running = app;

        // SKUs with no listings: the figure is the ledger's, not the channels'.
        var map = app.Services.GetRequiredService<SkuMapStore>();
        var names = Enumerable.Range(0, Skus).Select(i => string.Create(CultureInfo.InvariantCulture, $"LEDGER-{i:D4}")).ToList();
        foreach (var sku in names)
        {
            await map.UpsertAsync(new SkuMapping(sku, sku), CancellationToken.None);
        }

        // The ceiling runs on a table of its own that grows as the ledger's does, so neither side pays
        // for the other's rows.
        var table = app.Services.GetRequiredService<StorageClients>().Table("BenchRawTransactions");
        await table.CreateIfNotExistsAsync();

        // Enough stock that no sale oversells: an oversell alert is its own (rare) cost.
        var applier = app.Services.GetRequiredService<InventoryEventApplier>();
        foreach (var sku in names)
        {
            await applier.ApplyAsync(new InventoryEventReceived("bench-count-" + sku, InventoryEventKind.Count, "bench", null, sku, 100_000, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, null), CancellationToken.None);
        }

        Console.WriteLine("| workers | raw transactions/s (ceiling) | ledger events/s | ratio |");
        Console.WriteLine("|---|---|---|---|");
        foreach (var workers in new[] { 1, 8 })
        {
            var raw = await MeasureAsync(events, workers, i => RawTransactionAsync(table, names[i % Skus], i, workers));
            var ledger = await MeasureAsync(events, workers, i => applier.ApplyAsync(Sale(workers, i, names[i % Skus]), CancellationToken.None));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {workers} | {raw:F0} | {ledger:F0} | {ledger / raw:P0} |"));
        }

        await app.StopAsync();
    }

    private static InventoryEventReceived Sale(int workers, int i, string sku) =>
        new(string.Create(CultureInfo.InvariantCulture, $"bench-{workers}-{i}"), InventoryEventKind.Sale, "bench", null, sku, 1, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, null);

    /// <summary>The same shape the ledger commits for a one-row sale: the stock row replaced under its
    /// ETag, a dedupe row and an audit row added. No reads beyond the stock row's ETag.</summary>
    private static async Task RawTransactionAsync(TableClient table, string sku, int i, int workers)
    {
        var key = string.Create(CultureInfo.InvariantCulture, $"raw|{sku}");
        for (var attempt = 0; ; attempt++)
        {
            var current = await table.GetEntityIfExistsAsync<TableEntity>("raw", key);
            var stock = new TableEntity("raw", key) { ["Available"] = (current.HasValue ? current.Value!.GetInt32("Available") ?? 0 : 0) - 1 };
            var id = string.Create(CultureInfo.InvariantCulture, $"{workers}-{i}");
            TableTransactionAction[] actions =
            [
                new(TableTransactionActionType.Add, new TableEntity("raw", "event|" + id) { ["Sku"] = sku }),
                current.HasValue ? new(TableTransactionActionType.UpdateReplace, stock, current.Value!.ETag) : new(TableTransactionActionType.Add, stock),
                new(TableTransactionActionType.Add, new TableEntity("raw", "audit|" + id) { ["Delta"] = -1 }),
            ];
            try
            {
                await table.SubmitTransactionAsync(actions);
                return;
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412 && attempt < 50)
            {
            }
        }
    }

    private static async Task<double> MeasureAsync(int count, int workers, Func<int, Task> work)
    {
        var next = -1;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, workers).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                await work(i);
            }
        })));
        return count / clock.Elapsed.TotalSeconds;
    }
}
