using System.Collections.Concurrent;
using System.Globalization;
using FuncSync.App.Tests.Infrastructure;
using FuncSync.Catalog;
using FuncSync.Domain.Ledger;
using FuncSync.Ledger;
using FuncSync.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace FuncSync.App.Tests.Ledger;

/// <summary>The ledger under contention and replay, against real Azurite: no lost update, no event
/// applied twice, whatever the interleaving.</summary>
[Collection(AzuriteTests.Name)]
public sealed class LedgerConcurrencyTests(AzuriteFixture azurite)
{
    private static readonly string[] HotSkus = ["HOT-A", "HOT-B", "HOT-C"];

    [Fact]
    public async Task SixteenAppliers_ThreeHotSkus_TwoThousandEvents_NoLostUpdate()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        await app.ImportAsync(HotSkus.Select(s => new SkuMapRow(new SkuMapping(s, s), 10_000)).ToArray());
        var random = new Random(2026);
        var distinct = Enumerable.Range(0, 1_800).Select(i => RandomEvent(random, $"hot-{i}")).ToList();

        // One event in ten arrives twice, as redelivered webhooks and overlapping polls do.
        var stream = distinct.Concat(distinct.Where((_, i) => i % 9 == 0)).Take(2_000).OrderBy(_ => random.Next()).ToList();
        var work = new ConcurrentQueue<InventoryEventReceived>(stream);
        var applier = app.App.Services.GetRequiredService<InventoryEventApplier>();
        var outcomes = new ConcurrentBag<ApplyOutcome>();

        await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(async () =>
        {
            while (work.TryDequeue(out var received))
            {
                outcomes.Add(await applier.ApplyAsync(received, CancellationToken.None));
            }
        })));

        Assert.Equal(2_000, stream.Count);
        Assert.Equal(distinct.Count, outcomes.Count(o => o == ApplyOutcome.Applied));
        Assert.Equal(2_000 - distinct.Count, outcomes.Count(o => o == ApplyOutcome.Duplicate));
        foreach (var sku in HotSkus)
        {
            var expected = distinct.Where(e => e.Sku == sku).Aggregate(new StockLevel(10_000), (level, e) => StockRules.Apply(level, e.Kind, e.Quantity).After);
            Assert.Equal(expected.Available, await app.AvailableAsync(sku));
        }
    }

    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    [InlineData(13)]
    public async Task RandomStreamWithDuplicatesAndReordering_ThroughTheQueue_EachDistinctEventOnce(int seed)
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        var bundle = new SkuMapping("KIT-" + seed, "Kit", [], [new Component("PART-A", 1), new Component("PART-B", 2)]);
        await app.ImportAsync(new SkuMapRow(new SkuMapping("PART-A", "A"), 100), new SkuMapRow(new SkuMapping("PART-B", "B"), 100), new SkuMapRow(bundle, null));
        var random = new Random(seed);
        var distinct = Enumerable.Range(0, 40).Select(i => random.Next(4) == 0
            ? Received($"kit-{seed}-{i}", InventoryEventKind.Sale, bundle.Sku, random.Next(1, 3))
            : RandomEvent(random, $"part-{seed}-{i}", ["PART-A", "PART-B"])).ToList();
        var stream = distinct.Concat(distinct.Where(_ => random.Next(3) == 0)).OrderBy(_ => random.Next()).ToList();

        // The queue's listeners apply them concurrently, in whatever order they come off the queue.
        await Task.WhenAll(stream.Select(app.SendEventAsync));
        await app.DrainedAsync(app.Names.InventoryEventsQueue);

        var model = new Dictionary<string, StockLevel> { ["PART-A"] = new(100), ["PART-B"] = new(100) };
        foreach (var e in distinct)
        {
            var moves = e.Sku == bundle.Sku ? Composition.Consumption(bundle.Parts, e.Quantity) : [(e.Sku!, e.Quantity)];
            foreach (var (sku, units) in moves)
            {
                model[sku] = StockRules.Apply(model[sku], e.Kind, units).After;
            }
        }

        Assert.Equal(model["PART-A"].Available, await app.AvailableAsync("PART-A"));
        Assert.Equal(model["PART-B"].Available, await app.AvailableAsync("PART-B"));
        Assert.Equal(Composition.Available(bundle.Parts, sku => model[sku].Available), (await app.StatusAsync(bundle.Sku)).Available);
    }

    private static InventoryEventReceived RandomEvent(Random random, string id, string[]? skus = null)
    {
        var kind = random.Next(10) switch
        {
            < 6 => InventoryEventKind.Sale,
            6 => InventoryEventKind.Cancellation,
            7 => InventoryEventKind.Return,
            8 => InventoryEventKind.Receipt,
            _ => InventoryEventKind.Adjustment,
        };
        var quantity = kind == InventoryEventKind.Adjustment ? random.Next(-3, 4) : random.Next(1, 4);
        var pool = skus ?? HotSkus;
        return Received(id, kind, pool[random.Next(pool.Length)], quantity);
    }

    private static InventoryEventReceived Received(string id, InventoryEventKind kind, string sku, int quantity) =>
        new(id, kind, "test", null, sku, quantity, Now, Now, string.Create(CultureInfo.InvariantCulture, $"{kind} {quantity}"));

    // After the import's starting count: a shelf move stamped before the last count is taken to be in it.
    private static DateTimeOffset Now => TimeProvider.System.GetUtcNow();
}
