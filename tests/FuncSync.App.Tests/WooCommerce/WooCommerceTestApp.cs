using System.Globalization;
using System.Net;
using FuncSync.App.Tests.Infrastructure;
using FuncSync.Catalog;
using FuncSync.Etsy;
using FuncSync.Shopify;
using FuncSync.Simulators.WooCommerce;
using FuncSync.Testing;
using FuncSync.WooCommerce;
using Microsoft.Extensions.DependencyInjection;

namespace FuncSync.App.Tests.WooCommerce;

/// <summary>The real app beside its Shopify and Etsy simulators and a WooCommerce website whose webhook points at
/// <c>POST /api/webhooks/woocommerce</c>; the orders poll runs when a test says so, reading up to now.</summary>
internal sealed class WooCommerceTestApp : IAsyncDisposable
{
    private WooCommerceTestApp(FuncSyncTestApp app)
    {
        App = app;
        Woo = app.WooCommerce!;
    }

    public FuncSyncTestApp App { get; }

    public WooCommerceSimulator Woo { get; }

    public static async Task<WooCommerceTestApp> StartAsync(AzuriteFixture azurite, WooCommerceSimulatorOptions? options = null, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var configuration = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>())
        {
            // Long enough for an order's sale to reach the ledger before the product change it caused is judged.
            ["WooCommerce:LevelCheckDelay"] = TimeSpan.FromSeconds(2).ToString("c", CultureInfo.InvariantCulture),
            ["WooCommerce:OrderPollSettle"] = TimeSpan.Zero.ToString("c", CultureInfo.InvariantCulture),
        };
        return new WooCommerceTestApp(await FuncSyncTestApp.StartAsync(azurite, configuration, wooCommerceOptions: options ?? new WooCommerceSimulatorOptions()));
    }

    /// <summary>Lists the item on Shopify, Etsy and the website, maps all three and counts it into the ledger, then waits
    /// until every channel's first push is recorded.</summary>
    public async Task<SkuMapping> LoadAsync(string sku, int quantity, int n)
    {
        var item = new TestItem(sku, quantity, n) { OnWooCommerce = true };
        await App.LoadAsync(item);
        var pushes = App.App.Services.GetRequiredService<FuncSync.Push.PushStore>();
        await Eventually.WaitAsync(async () => (await pushes.ListAsync(sku, CancellationToken.None)).Count == 3, TimeSpan.FromSeconds(20), "every channel's first push is recorded");
        await App.DrainedAsync(App.Names.ChannelPushQueue);
        return item.Mapping;
    }

    public static long StockId(SkuMapping mapping) => mapping.WooCommerce!.StockId;

    public int WooStock(SkuMapping mapping) => Woo.GetStock(StockId(mapping)) ?? 0;

    /// <summary>Every channel shows <paramref name="quantity"/> and the ledger holds it.</summary>
    public async Task WaitUntilEverywhereAsync(SkuMapping mapping, int quantity, string because)
    {
        var shopify = mapping.Shopify!;
        var etsy = mapping.Etsy!;
        await Eventually.WaitAsync(
            async () => await App.AvailableAsync(mapping.Sku) == quantity
                && App.Shopify.GetAvailable(shopify.InventoryItemId, shopify.LocationId) == quantity
                && App.Etsy.GetQuantity(etsy.ListingId, etsy.Sku) == quantity
                && WooStock(mapping) == quantity,
            TimeSpan.FromSeconds(30),
            because);
    }

    /// <summary>Runs the orders poll now and fails the test if it threw.</summary>
    public async Task PollAsync()
    {
        using var outcome = await App.RunTimerAsync(WooCommerceOrderPollFunction.Name);
        Assert.True(outcome.StatusCode == HttpStatusCode.OK, await outcome.Content.ReadAsStringAsync());
    }

    /// <summary>Waits until every queue is empty, the delayed level checks included.</summary>
    public async Task SettledAsync()
    {
        await App.DrainedAsync(App.Names.WooCommerceLevelChecksQueue);
        await App.DrainedAsync(App.Names.InventoryEventsQueue);
        await App.DrainedAsync(App.Names.ChannelPushQueue);
        await App.DrainedAsync(App.Names.WooCommerceLevelChecksQueue);
    }

    public ValueTask DisposeAsync() => App.DisposeAsync();
}
