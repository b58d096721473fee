using FuncSync.App.Tests.Infrastructure;
using FuncSync.Catalog;
using FuncSync.Domain.Ledger;
using FuncSync.Ledger;
using FuncSync.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace FuncSync.App.Tests.Ledger;

/// <summary>A restock that comes before its sale marks the sale as awaited, and only a sale so marked looks for holds.</summary>
[Collection(AzuriteTests.Name)]
public sealed class AwaitedSaleTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task SaleMarkedAwaited_IsNotAppliedUntilItLands_ThenSaysRestocksAwait()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        await app.ImportAsync(new SkuMapRow(new SkuMapping("CUP-01", "Cup"), 5));

        Assert.True(await app.Ledger.MarkSaleAwaitedAsync("sale-1", CancellationToken.None));
        Assert.True(await app.Ledger.MarkSaleAwaitedAsync("sale-1", CancellationToken.None));
        Assert.False(await app.Ledger.IsAppliedEventAsync("sale-1", CancellationToken.None));

        var sale = await ApplyAsync(app, Sale("sale-1", "CUP-01"));
        var unmarked = await ApplyAsync(app, Sale("sale-2", "CUP-01"));

        Assert.Equal(LedgerApplyOutcome.Applied, sale.Outcome);
        Assert.True(sale.RestocksAwait);
        Assert.False(unmarked.RestocksAwait);
        Assert.True(await app.Ledger.IsAppliedEventAsync("sale-1", CancellationToken.None));
        Assert.False(await app.Ledger.MarkSaleAwaitedAsync("sale-1", CancellationToken.None));
        Assert.Equal(LedgerApplyOutcome.Duplicate, (await ApplyAsync(app, Sale("sale-1", "CUP-01"))).Outcome);
        Assert.Equal(3, await app.AvailableAsync("CUP-01"));
    }

    [Fact]
    public async Task CancellationBeforeItsSale_RestockedOnceWhenTheSaleLands()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        await app.ImportAsync(new SkuMapRow(new SkuMapping("CUP-02", "Cup"), 5));
        var applier = app.App.Services.GetRequiredService<InventoryEventApplier>();
        var cancel = new InventoryEventReceived("cancel-1", InventoryEventKind.Cancellation, "test", null, "CUP-02", 1, Now, Now, "cancel-1", RestockOf: "sale-3");

        Assert.Equal(ApplyOutcome.Parked, await applier.ApplyAsync(cancel, CancellationToken.None));
        Assert.Equal(ApplyOutcome.Applied, await applier.ApplyAsync(Sale("sale-3", "CUP-02"), CancellationToken.None));

        // The sale replays the held cancellation through the queue.
        await Eventually.WaitAsync(async () => await app.Ledger.IsAppliedEventAsync("cancel-1", CancellationToken.None), TimeSpan.FromSeconds(20), "the held cancellation is applied");
        Assert.Equal(5, await app.AvailableAsync("CUP-02"));
    }

    private static DateTimeOffset Now => TimeProvider.System.GetUtcNow();

    private static Task<LedgerApplyResult> ApplyAsync(FuncSyncTestApp app, InventoryEventReceived received) =>
        app.Ledger.ApplyAsync(received, [(received.Sku!, received.Quantity)], ReturnDisposition.Restock, [], CancellationToken.None);

    private static InventoryEventReceived Sale(string id, string sku) =>
        new(id, InventoryEventKind.Sale, "test", null, sku, 1, Now, Now, id);
}
