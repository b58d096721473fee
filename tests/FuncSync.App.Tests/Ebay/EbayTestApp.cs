using FuncSync.App.Tests.Infrastructure;
using FuncSync.Ebay;
using FuncSync.Etsy;
using FuncSync.Shopify;
using FuncSync.Simulators.Ebay;
using FuncSync.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace FuncSync.App.Tests.Ebay;

/// <summary>The real app beside its Shopify and Etsy simulators and an eBay simulator whose signed notifications reach
/// <c>/api/webhooks/ebay</c>; the orders poll runs when a test runs it, reading up to now (no settle margin).</summary>
internal sealed class EbayTestApp : IAsyncDisposable
{
    private EbayTestApp(FuncSyncTestApp app)
    {
        App = app;
        Ebay = app.Ebay!;
    }

    public FuncSyncTestApp App { get; }

    public EbaySimulator Ebay { get; }

    public static async Task<EbayTestApp> StartAsync(AzuriteFixture azurite, EbaySimulatorOptions? options = null, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var configuration = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>())
        {
            ["Ebay:OrderPollSettle"] = "00:00:00",
        };
        var app = new EbayTestApp(await FuncSyncTestApp.StartAsync(azurite, configuration, ebayOptions: options ?? new EbaySimulatorOptions()));

        // The poll's first pass sets where it starts; the tests' sales come after it.
        await app.PollAsync();
        return app;
    }

    /// <summary>Lists the item on Shopify, Etsy and eBay, maps and counts it, and waits until every first push is recorded.</summary>
    public async Task<TestItem> LoadAsync(string sku, int quantity, int n)
    {
        var item = new TestItem(sku, quantity, n) { OnEbay = true };
        await App.LoadAsync(item);
        var pushes = App.App.Services.GetRequiredService<FuncSync.Push.PushStore>();
        await Eventually.WaitAsync(async () => (await pushes.ListAsync(sku, CancellationToken.None)).Count == 3, TimeSpan.FromSeconds(20), "every channel's first push is recorded");
        await App.DrainedAsync(App.Names.ChannelPushQueue);
        return item;
    }

    /// <summary>Runs the orders poll now, as its timer would.</summary>
    public async Task PollAsync()
    {
        using var response = await App.RunTimerAsync(EbayOrderPollFunction.Name);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Every channel shows <paramref name="quantity"/> and the ledger holds it.</summary>
    public async Task WaitUntilEverywhereAsync(TestItem item, int quantity, string because)
    {
        var shopify = item.Mapping.Shopify!;
        var etsy = item.Mapping.Etsy!;
        await Eventually.WaitAsync(
            async () => await App.AvailableAsync(item.Sku) == quantity
                && App.Shopify.GetAvailable(shopify.InventoryItemId, shopify.LocationId) == quantity
                && App.Etsy.GetQuantity(etsy.ListingId, etsy.Sku) == quantity
                && Ebay.GetShown(item.EbaySku) == quantity,
            TimeSpan.FromSeconds(30),
            because);
    }

    public async Task SettledAsync()
    {
        await App.DrainedAsync(App.Names.InventoryEventsQueue);
        await App.DrainedAsync(App.Names.ChannelPushQueue);
    }

    public ValueTask DisposeAsync() => App.DisposeAsync();
}
