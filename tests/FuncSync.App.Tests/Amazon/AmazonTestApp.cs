using System.Globalization;
using FuncSync.Amazon;
using FuncSync.App.Tests.Infrastructure;
using FuncSync.Catalog;
using FuncSync.Etsy;
using FuncSync.Shopify;
using FuncSync.Simulators.Amazon;
using FuncSync.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace FuncSync.App.Tests.Amazon;

/// <summary>The real app beside its Shopify and Etsy simulators and an Amazon simulator: LWA, the SP-API and the SQS
/// queue of <c>ORDER_CHANGE</c> notifications, all over HTTP. Amazon's delays are off unless a test sets them.</summary>
internal sealed class AmazonTestApp : IAsyncDisposable
{
    private AmazonTestApp(FuncSyncTestApp app)
    {
        App = app;
        Amazon = app.Amazon!;
    }

    public FuncSyncTestApp App { get; }

    public AmazonSimulator Amazon { get; }

    /// <param name="notifications">Receive from the queue by the timer, every second; off, a test receives by hand.</param>
    public static async Task<AmazonTestApp> StartAsync(AzuriteFixture azurite, AmazonSimulatorOptions? options = null, bool notifications = true, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var configuration = new Dictionary<string, string?>
        {
            ["Amazon:ConfirmWithin"] = "00:00:05",
            ["Amazon:ConfirmPollInterval"] = "00:00:00.100",
            ["Amazon:ConfirmRetry"] = "00:00:01",
            ["Amazon:OrderPollSettle"] = "00:00:00",
            ["Amazon:NotificationWaitSeconds"] = "0",
            ["Amazon:NotificationVisibilitySeconds"] = "2",
        };
        if (notifications)
        {
            // The receiver's timer ticks every second, as a deployment's does every few.
            configuration["Amazon:NotificationSchedule"] = "*/1 * * * * *";
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            configuration[key] = value;
        }

        var app = await FuncSyncTestApp.StartAsync(
            azurite,
            configuration,
            amazonOptions: options ?? new AmazonSimulatorOptions { PatchDelay = TimeSpan.Zero, OrderVisibilityDelay = TimeSpan.Zero, FeedProcessingDelay = TimeSpan.Zero });
        return new AmazonTestApp(app);
    }

    /// <summary>Lists the item on Shopify, Etsy and Amazon, maps it and counts it into the ledger, then waits until every
    /// channel's first push is recorded.</summary>
    public async Task<SkuMapping> LoadAsync(string sku, int quantity, int n)
    {
        var item = new TestItem(sku, quantity, n) { OnAmazon = true };
        await App.LoadAsync(item);
        var pushes = App.App.Services.GetRequiredService<FuncSync.Push.PushStore>();
        await Eventually.WaitAsync(async () => (await pushes.ListAsync(sku, CancellationToken.None)).Count == 3, TimeSpan.FromSeconds(30), "every channel's first push is recorded");
        await App.DrainedAsync(App.Names.ChannelPushQueue);
        return item.Mapping;
    }

    /// <summary>Receives from the notifications queue once, as a tick of the timer does.</summary>
    public async Task<int> ReceiveAsync()
    {
        await using var scope = App.App.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<AmazonNotificationReceiver>().DrainAsync(CancellationToken.None);
    }

    /// <summary>Runs the orders poll once, as its timer would.</summary>
    public async Task PollAsync()
    {
        using var response = await App.RunTimerAsync(AmazonOrderPollFunction.Name);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Every channel shows <paramref name="quantity"/> and the ledger holds it.</summary>
    public async Task WaitUntilEverywhereAsync(SkuMapping mapping, int quantity, string because)
    {
        var shopify = mapping.Shopify!;
        var etsy = mapping.Etsy!;
        await Eventually.WaitAsync(
            async () => await App.AvailableAsync(mapping.Sku) == quantity
                && App.Shopify.GetAvailable(shopify.InventoryItemId, shopify.LocationId) == quantity
                && App.Etsy.GetQuantity(etsy.ListingId, etsy.Sku) == quantity
                && Amazon.GetQuantity(mapping.Amazon!.SellerSku) == quantity,
            TimeSpan.FromSeconds(40),
            because);
    }

    public async Task SettledAsync()
    {
        await App.DrainedAsync(App.Names.InventoryEventsQueue);
        await App.DrainedAsync(App.Names.ChannelPushQueue);
    }

    public static string Seconds(TimeSpan span) => span.ToString("c", CultureInfo.InvariantCulture);

    public ValueTask DisposeAsync() => App.DisposeAsync();
}
