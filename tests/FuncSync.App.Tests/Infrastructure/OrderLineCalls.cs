using FuncSync.Catalog;
using FuncSync.Domain.Costing;
using FuncSync.Domain.Ledger;
using FuncSync.Ledger;
using FuncSync.Testing;

namespace FuncSync.App.Tests.Infrastructure;

/// <summary>The ledger's order lines (the margin report's input) as a test reads them.</summary>
internal static class OrderLineCalls
{
    // Every month the test's ledger can hold: each test has a fresh shop.
    private const string AllMonths = "2000-01";

    /// <summary>Lists the item on the simulators and imports it with <paramref name="unitCost"/>, waiting until it is counted.</summary>
    public static async Task LoadAtCostAsync(this FuncSyncTestApp app, TestItem item, decimal unitCost)
    {
        app.List(item.Mapping, item.Quantity);
        await app.ImportAsync(new SkuMapRow(item.Mapping with { UnitCost = unitCost }, item.Quantity));
    }

    /// <summary>Puts a channel's sale of <paramref name="units"/> paid <paramref name="paid"/> on the inventory-events queue, as
    /// an intake would.</summary>
    public static Task SendSaleAsync(this FuncSyncTestApp app, string eventId, ListingRef listing, int units, Money paid)
    {
        var now = TimeProvider.System.GetUtcNow();
        return app.SendEventAsync(new InventoryEventReceived(eventId, InventoryEventKind.Sale, listing.Channel.ToString().ToLowerInvariant(), listing, null, units, now, now, eventId, LineTotal: paid));
    }

    /// <summary>The sold lines the ledger keeps now.</summary>
    public static async Task<IReadOnlyList<SoldLine>> SoldLinesAsync(this FuncSyncTestApp app) =>
        (await app.Ledger.ListOrderLinesAsync(AllMonths, CancellationToken.None)).Sold;

    /// <summary>The order line the ledger kept of <paramref name="sku"/>'s sale on <paramref name="channel"/>, once it is
    /// there (one sale per SKU and channel expected).</summary>
    public static async Task<SoldLine> SoldLineAsync(this FuncSyncTestApp app, string sku, Domain.Channel channel)
    {
        SoldLine? found = null;
        await Eventually.WaitAsync(
            async () => (found = (await app.SoldLinesAsync()).SingleOrDefault(l => l.Sku == sku && l.Channel == channel.ToString())) is not null,
            TimeSpan.FromSeconds(30),
            $"the ledger keeps the {channel} order line of {sku}");
        return found!;
    }
}
