using System.Globalization;
using FuncSync.Allocation;
using FuncSync.App.Tests.Infrastructure;
using FuncSync.Domain;
using FuncSync.Domain.Ledger;
using FuncSync.Ledger;
using FuncSync.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace FuncSync.App.Tests.Allocation;

/// <summary>The derived threshold from the ledger's own sale history and the seller's assumed lags,
/// on Azurite.</summary>
[Collection(AzuriteTests.Name)]
public sealed class DerivedThresholdFlowTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task ForAsync_ThreeSalesJustNowEtsyLagOneMinute_PartitionsWhereTheRiskExceedsTheTolerance()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite, new Dictionary<string, string?> { ["Allocation:Channels:Etsy:AssumedLag"] = "00:01:00" });
        var item = new TestItem("BOWL-DERIVED-01", 10, 61);
        await app.LoadAsync(item);
        await SellAsync(app, item, 3);

        // Three units within moments: too short a history to trust the weighted 2.08 an hour, so the rate
        // is at least 3 units a minute, and 3 buyers are expected within the one-minute lag. For Poisson(3),
        // E[(N - 8)+] = 0.0053 is above 0.001 x 3 and E[(N - 9)+] = 0.0015 is not: partitioned at 8 and below.
        // A fresh instance: the app's own remembers a velocity for a minute, and its pushes may have asked
        // between the sales.
        var services = app.App.Services;
        var threshold = await ActivatorUtilities.CreateInstance<MeasuredDerivedThreshold>(
            services, ActivatorUtilities.CreateInstance<LedgerSalesVelocity>(services)).ForAsync(item.Mapping, null, CancellationToken.None);

        Assert.Equal(8, threshold);
    }

    [Fact]
    public async Task ForAsync_NoLagKnown_NothingDerived()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        var item = new TestItem("BOWL-DERIVED-02", 10, 62);
        await app.LoadAsync(item);
        await SellAsync(app, item, 2);

        Assert.Null(await app.App.Services.GetRequiredService<IDerivedThreshold>().ForAsync(item.Mapping, null, CancellationToken.None));
    }

    [Fact]
    public async Task Velocity_RemembersSalesByStockVersion_ReadsTheHistoryAgainOnlyForAChangeMadeElsewhere()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        var item = new TestItem("BOWL-DERIVED-03", 10, 63);
        await app.LoadAsync(item);
        await SellAsync(app, item, 2);
        var velocity = ActivatorUtilities.CreateInstance<LedgerSalesVelocity>(app.App.Services);
        var stock = await app.Ledger.GetAvailabilityAsync(item.Mapping, CancellationToken.None);
        Assert.Equal(2, (await velocity.ForAsync(item.Mapping, stock, CancellationToken.None)).Sales);

        // Another instance sells one: a push still holding the older stock has the sales as remembered; one that read the
        // newer stock (no change handed over with it) reads the history again.
        await SellAsync(app, item, 1, first: 2);
        Assert.Equal(2, (await velocity.ForAsync(item.Mapping, stock, CancellationToken.None)).Sales);
        var newer = await app.Ledger.GetAvailabilityAsync(item.Mapping, CancellationToken.None);
        Assert.Equal(stock.Version + 1, newer.Version);
        Assert.Equal(3, (await velocity.ForAsync(item.Mapping, newer, CancellationToken.None)).Sales);

        // A sale this process just committed comes with its stock, one version on: counted without a read (this one was
        // never written, so a read would not find it), and once however often its pushes ask.
        var now = TimeProvider.System.GetUtcNow();
        var handed = newer with
        {
            Version = newer.Version + 1,
            LastChange = new HistoryEntry(now, "derived-handed-over", InventoryEventKind.Sale, "etsy", Channel.Etsy, item.Sku, null, null, null, -2, 7, 5, 0, now, now),
        };
        Assert.Equal(4, (await velocity.ForAsync(item.Mapping, handed, CancellationToken.None)).Sales);
        Assert.Equal(4, (await velocity.ForAsync(item.Mapping, handed, CancellationToken.None)).Sales);
        Assert.Equal(4, (await velocity.ForAsync(item.Mapping, handed, CancellationToken.None)).Sales);
    }

    private static async Task SellAsync(FuncSyncTestApp app, TestItem item, int sales, int first = 0)
    {
        var now = TimeProvider.System.GetUtcNow();
        for (var i = first; i < first + sales; i++)
        {
            var sale = new InventoryEventReceived(
                string.Create(CultureInfo.InvariantCulture, $"derived-{item.Sku}-{i}"), InventoryEventKind.Sale, "etsy", new ListingRef(Channel.Etsy, item.Sku), item.Sku, 1, now, now, null);
            await app.Ledger.ApplyAsync(sale, [(item.Sku, 1)], ReturnDisposition.Restock, [], CancellationToken.None);
        }
    }
}
