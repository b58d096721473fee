using System.Globalization;
using Azure.Data.Tables;
using FuncSync.App.Tests.Infrastructure;
using FuncSync.Domain.Ledger;
using FuncSync.Ledger;
using FuncSync.Simulators.Etsy;
using FuncSync.Testing;

namespace FuncSync.App.Tests.Ledger;

/// <summary>Kill -9 the FuncSync process at random moments while events flow, restart it, and check
/// that every event was applied exactly once and every channel got its final quantity.</summary>
[Collection(AzuriteTests.Name)]
public sealed class CrashSafetyTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task ProcessKilledRepeatedlyWhileEventsFlow_EveryEventOnceEveryPushDelivered()
    {
        // This instance only imports and observes; the killable process runs the triggers.
        await using var control = await FuncSyncTestApp.StartAsync(
            azurite,
            new Dictionary<string, string?> { ["FuncSync:RunTriggers"] = "false" },
            new EtsySimulatorOptions { QueriesPerSecond = 1000 });
        var processSettings = new Dictionary<string, string?>(control.Settings)
        {
            ["FuncSync:RunTriggers"] = "true",

            // A killed instance's messages, outbox rows and timer lease come back in seconds, not minutes.
            ["FuncSync:Queues:receiveVisibilityTimeout"] = "00:00:03",
            ["FuncSync:Timers:LeasePeriod"] = "00:00:15",
            ["FuncSync:Timers:LeaseRecoveryInterval"] = "00:00:02",
            ["FuncSync:OutboxSweepSchedule"] = "*/2 * * * * *",
            ["FuncSync:OutboxMinimumAge"] = "00:00:02",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        var workingDirectory = Directory.CreateTempSubdirectory("funcsync-crash-").FullName;
        var random = new Random(2026);
        var process = AppProcess.Start(processSettings, workingDirectory);
        try
        {
            var items = Enumerable.Range(0, 8).Select(i => new TestItem(string.Create(CultureInfo.InvariantCulture, $"CRASH-{i}"), 900, 100 + i)).ToList();
            await control.LoadAsync([.. items]);
            var events = Enumerable.Range(0, 400).Select(i => new InventoryEventReceived(
                string.Create(CultureInfo.InvariantCulture, $"crash-{i}"),
                InventoryEventKind.Sale,
                "test",
                null,
                items[random.Next(items.Count)].Sku,
                1,
                DateTimeOffset.UnixEpoch,
                DateTimeOffset.UnixEpoch,
                null)).ToList();
            var sending = Task.WhenAll(events.Select(control.SendEventAsync));

            for (var kill = 0; kill < 4; kill++)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(random.Next(400, 1500)), TimeProvider.System);
                process.Kill();
                process.Dispose();
                process = AppProcess.Start(processSettings, workingDirectory);
            }

            await sending;
            var state = string.Empty;
            try
            {
                await Eventually.WaitAsync(
                    async () => (state = await UnsettledAsync(control, items, events)).Length == 0,
                    TimeSpan.FromSeconds(90),
                    "every event is applied and every channel shows the ledger");
            }
            catch (TimeoutException ex)
            {
                throw new TimeoutException($"{ex.Message} Still unsettled: {state} Last output: {process.Tail}", ex);
            }

            foreach (var item in items)
            {
                var history = await control.HistoryAsync(item.Sku, "?limit=200");
                var sales = events.Count(e => e.Sku == item.Sku);
                Assert.Equal(sales, history.Entries.Count(e => e.Kind == InventoryEventKind.Sale));
                Assert.Equal(history.Entries.Count, history.Entries.Select(e => e.EventId).Distinct().Count());
            }
        }
        finally
        {
            process.Dispose();
            Directory.Delete(workingDirectory, recursive: true);
        }
    }

    /// <summary>What is not yet as it must end up, or empty when everything is.</summary>
    private static async Task<string> UnsettledAsync(FuncSyncTestApp control, IReadOnlyList<TestItem> items, IReadOnlyList<InventoryEventReceived> events)
    {
        var problems = new List<string>();
        foreach (var item in items)
        {
            var expected = item.Quantity - events.Count(e => e.Sku == item.Sku);
            var ledger = await control.AvailableAsync(item.Sku);
            var shopify = control.Shopify.GetAvailable(item.ShopifyInventoryItemId, TestItem.LocationId);
            var etsy = control.Etsy.GetQuantity(item.EtsyListingId, item.Sku);
            if (ledger != expected || shopify != expected || etsy != expected)
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture, $"{item.Sku}: expected {expected}, ledger {ledger}, Shopify {shopify}, Etsy {etsy}"));
            }
        }

        // Nothing owed: no outbox row is left behind.
        var outbox = await control.Storage.Table(control.Names.LedgerTable)
            .QueryAsync<TableEntity>(e => e.RowKey.CompareTo("outbox|") >= 0 && e.RowKey.CompareTo("outbox}") < 0)
            .CountAsync();
        if (outbox > 0)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"{outbox} outbox rows"));
        }

        return string.Join("; ", problems);
    }
}
