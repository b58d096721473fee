using FuncSync.Ebay;
using FuncSync.Etsy;
using FuncSync.Shopify;
using System.Net;
using System.Reflection;
using System.Text;
using FuncSync.Catalog;
using FuncSync.Demo;
using FuncSync.Hosting;
using FuncSync.Hosting.Functions;
using FuncSync.Hosting.Storage;
using FuncSync.Ledger;
using FuncSync.Simulators.Ebay;
using FuncSync.Simulators.Etsy;
using FuncSync.Simulators.Shopify;
using FuncSync.Amazon;
using FuncSync.Simulators.Amazon;
using FuncSync.Simulators.Square;
using FuncSync.Simulators.WooCommerce;
using FuncSync.Square;
using FuncSync.WooCommerce;
using FuncSync.Storage;
using FuncSync.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FuncSync.App.Tests.Infrastructure;

/// <summary>The real FuncSync app on a free loopback port, with its own storage names in the shared
/// Azurite and its own Shopify and Etsy simulators (and a Square simulator when asked), talking real HTTP both ways.</summary>
internal sealed class FuncSyncTestApp : IAsyncDisposable
{
    /// <summary>Polls run when a test says so, never by the clock.</summary>
    public const string NeverSchedule = "0 0 0 1 1 *";

    public const string AdminKey = "test-admin-key";

    /// <summary>The address a Square simulator's notifications are registered (and signed) for; the simulator delivers
    /// them to the app wherever it listens, as a proxy in front of it would.</summary>
    public static readonly Uri SquareNotificationUrl = new("https://funcsync.test/api/webhooks/square");

    /// <summary>The address an eBay simulator's notification destination is registered for; deliveries go to the app.</summary>
    public static readonly Uri EbayNotificationUrl = new("https://funcsync.test/api/webhooks/ebay");

    private FuncSyncTestApp(WebApplication app, Uri baseUrl, ShopifySimulator shopify, EtsySimulator etsy, SquareSimulator? square, WooCommerceSimulator? wooCommerce, StorageClients storage)
    {
        WooCommerce = wooCommerce;
        App = app;
        BaseUrl = baseUrl;
        Shopify = shopify;
        Etsy = etsy;
        Square = square;
        Storage = storage;
        Http = new HttpClient { BaseAddress = baseUrl };
        Http.DefaultRequestHeaders.Add("x-functions-key", AdminKey);
    }

    public WebApplication App { get; }

    public Uri BaseUrl { get; }

    public ShopifySimulator Shopify { get; }

    public EtsySimulator Etsy { get; }

    /// <summary>Null unless the test asked for Square.</summary>
    public SquareSimulator? Square { get; }

    /// <summary>Null unless the test asked for WooCommerce.</summary>
    public WooCommerceSimulator? WooCommerce { get; }

    /// <summary>Null unless the test asked for eBay.</summary>
    public EbaySimulator? Ebay { get; private init; }

    public StorageClients Storage { get; }

    public HttpClient Http { get; }

    public StorageNames Names => App.Services.GetRequiredService<StorageNames>();

    /// <summary>The configuration this app was started with, for a second instance of the same deployment.</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; private set; } = new Dictionary<string, string?>();

    public LedgerStore Ledger => App.Services.GetRequiredService<LedgerStore>();

    /// <summary>Null unless the test asked for Amazon.</summary>
    public AmazonSimulator? Amazon { get; private init; }

    public static async Task<FuncSyncTestApp> StartAsync(
        AzuriteFixture azurite, IReadOnlyDictionary<string, string?>? settings = null, EtsySimulatorOptions? etsyOptions = null, ShopifySimulatorOptions? shopifyOptions = null, SquareSimulatorOptions? squareOptions = null, WooCommerceSimulatorOptions? wooCommerceOptions = null, AmazonSimulatorOptions? amazonOptions = null, EbaySimulatorOptions? ebayOptions = null)
    {
        var amazon = amazonOptions is null ? null : await AmazonSimulator.StartAsync(amazonOptions, TimeProvider.System);
        var shopify = await ShopifySimulator.StartAsync(shopifyOptions ?? new ShopifySimulatorOptions(), TimeProvider.System);
        var etsy = await EtsySimulator.StartAsync(etsyOptions ?? new EtsySimulatorOptions(), TimeProvider.System);
        var square = squareOptions is null ? null : await SquareSimulator.StartAsync(squareOptions, TimeProvider.System);
        if (square is not null)
        {
            square.Options.NotificationUrl ??= SquareNotificationUrl;
        }

        var ebay = ebayOptions is null ? null : await EbaySimulator.StartAsync(ebayOptions, TimeProvider.System);
        if (ebay is not null)
        {
            ebay.Options.NotificationUrl ??= EbayNotificationUrl;
        }

        var configuration = square is null ? SimulatedChannels.Settings(shopify, etsy) : SimulatedChannels.Settings(shopify, etsy, square);
        var wooCommerce = wooCommerceOptions is null ? null : await WooCommerceSimulator.StartAsync(wooCommerceOptions, TimeProvider.System);
        foreach (var (key, value) in wooCommerce is null ? [] : SimulatedChannels.Settings(wooCommerce))
        {
            configuration[key] = value;
        }

        foreach (var (key, value) in ebay is null ? [] : SimulatedChannels.Settings(ebay))
        {
            configuration[key] = value;
        }

        configuration["WooCommerce:OrderPollSchedule"] = NeverSchedule;
        configuration["Ebay:OrderPollSchedule"] = NeverSchedule;
        configuration["AzureWebJobsStorage"] = azurite.ConnectionString;
        configuration["FuncSync:StoragePrefix"] = "t" + Guid.NewGuid().ToString("N")[..12];
        configuration["FuncSync:Shop"] = "test";
        configuration["Etsy:PollSchedule"] = NeverSchedule;
        configuration["Shopify:OrderPollSchedule"] = NeverSchedule;
        if (amazon is not null)
        {
            foreach (var (key, value) in SimulatedChannels.Settings(amazon))
            {
                configuration[key] = value;
            }

            configuration["Amazon:OrderPollSchedule"] = NeverSchedule;
            configuration["Amazon:NotificationSchedule"] = NeverSchedule;
        }

        configuration["FuncSync:AdminKey"] = AdminKey;
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            configuration[key] = value;
        }

        var (app, baseUrl) = await FuncSyncHost.StartOnLoopbackAsync(configuration, LogLevel.Warning);
        shopify.Options.WebhookUrl = new Uri(baseUrl, "api/webhooks/shopify");
        if (square is not null)
        {
            square.Options.DeliverTo = new Uri(baseUrl, "api/webhooks/square");
        }

        if (wooCommerce is not null)
        {
            wooCommerce.Options.DeliveryUrl = new Uri(baseUrl, "api/webhooks/woocommerce");
        }

        if (ebay is not null)
        {
            ebay.Options.DeliverTo = new Uri(baseUrl, "api/webhooks/ebay");
        }

        return new FuncSyncTestApp(app, baseUrl, shopify, etsy, square, wooCommerce, azurite.Clients) { Settings = configuration, Amazon = amazon, Ebay = ebay };
    }

    /// <summary>Lists the items on both simulators, maps them, counts them into the ledger, and waits
    /// until the ledger holds every starting quantity.</summary>
    public async Task LoadAsync(params TestItem[] items)
    {
        foreach (var item in items)
        {
            List(item.Mapping, item.Quantity);
        }

        await ImportAsync(items.Select(i => new SkuMapRow(i.Mapping, i.Quantity)).ToArray());
    }

    /// <summary>Lists a mapped SKU on the simulators of the channels it maps to, showing <paramref name="quantity"/>.</summary>
    public void List(SkuMapping mapping, int quantity)
    {
        if (mapping.Shopify is { } shopify)
        {
            Shopify.AddVariant(shopify.ProductId ?? shopify.VariantId, shopify.VariantId, shopify.InventoryItemId, shopify.LocationId, mapping.Sku, quantity, mapping.Sku);
        }

        if (mapping.Etsy is { } etsy)
        {
            Etsy.AddListing(etsy.ListingId, mapping.Sku, [new EtsySimProduct(etsy.Sku, quantity, 24.00m, [])]);
        }

        if (mapping.Square is { } square && Square is not null)
        {
            // All of it at the seller's last location (the market stall in the simulator's defaults).
            Square.AddVariation(square.VariationId, mapping.Sku, mapping.Sku, new Dictionary<string, int> { [Square.Options.LocationIds[^1]] = quantity });
        }

        if (mapping.WooCommerce is { } woo && WooCommerce is not null)
        {
            WooCommerce.AddProduct(mapping.Sku, quantity, woo.ProductId);
        }

        if (mapping.Amazon is { } amazon && Amazon is not null)
        {
            Amazon.AddListing(amazon.SellerSku, quantity);
        }

        if (mapping.Ebay is { } ebay && Ebay is not null)
        {
            Ebay.AddItem(ebay.Sku, TestItem.EbayListingOf(ebay.Sku), quantity, mapping.Sku);
        }
    }

    /// <summary>Imports SKU map rows and waits until every starting quantity is in the ledger.</summary>
    public async Task ImportAsync(params SkuMapRow[] rows)
    {
        var importer = App.Services.GetRequiredService<CatalogImporter>();
        await importer.ImportAsync(rows, Guid.NewGuid().ToString("N"), "test", CancellationToken.None);
        foreach (var row in rows.Where(r => r.Quantity is not null))
        {
            await Eventually.WaitAsync(async () => (await Ledger.GetStockAsync(row.Mapping.Sku, CancellationToken.None)).Version > 0, TimeSpan.FromSeconds(20), $"{row.Mapping.Sku} is counted in the ledger");
        }
    }

    /// <summary>Puts an event on the inventory-events queue, as a webhook or poll would.</summary>
    public Task SendEventAsync(InventoryEventReceived received) =>
        App.Services.GetRequiredService<FuncSync.Hosting.Functions.IQueueSender>().SendAsync(
            Names.InventoryEventsQueue,
            System.Text.Json.JsonSerializer.Serialize(received, FuncSync.Json.FuncSyncJson.Default.InventoryEventReceived),
            CancellationToken.None);

    public async Task<int> AvailableAsync(string sku) => (await Ledger.GetStockAsync(sku, CancellationToken.None)).Level.Available;

    /// <summary>Runs a timer function now, in-process, as its schedule would (nothing outside the process can), and
    /// answers the invocation's outcome as a status: 200 when it ran, 500 with the error when it threw.</summary>
    public async Task<HttpResponseMessage> RunTimerAsync(string functionName)
    {
        var function = App.Services.GetRequiredService<IFunctionCatalog>().Functions.Single(f => f.Name == functionName);
        Assert.IsType<TimerFunctionTrigger>(function.Trigger);
        await using var scope = App.Services.CreateAsyncScope();
        var instance = function.Method.IsStatic ? null : ActivatorUtilities.CreateInstance(scope.ServiceProvider, function.Method.DeclaringType!);
        try
        {
            await (Task)function.Method.Invoke(instance, BindingFlags.DoNotWrapExceptions, null, [new TimerInfo(), CancellationToken.None], null)!;
            return new HttpResponseMessage(HttpStatusCode.OK);
        }
        catch (Exception ex)
        {
            return new HttpResponseMessage(HttpStatusCode.InternalServerError) { Content = new StringContent(ex.ToString(), Encoding.UTF8) };
        }
    }

    /// <summary>Waits until the queue holds no message, visible or in flight: everything sent was handled. Channels'
    /// webhooks reach every other queue through the channel-webhooks queue, so that one is drained first. For the
    /// push queue that includes the pushes still owed upstream: an event being applied, or an outbox row committed but
    /// not yet sent, would otherwise leave the queue empty for a moment while a push is on its way (on a busy machine
    /// the moment is long enough for a test to act in it). The alerts queue likewise waits for the ledger, which raises
    /// oversell alerts as it applies a sale. Checked in flow order, each stage before the one it feeds.</summary>
    public async Task DrainedAsync(string queueName)
    {
        if (!string.Equals(queueName, Names.ChannelWebhooksQueue, StringComparison.Ordinal))
        {
            await DrainedAsync(Names.ChannelWebhooksQueue);
        }

        await Eventually.WaitAsync(
            async () => (queueName != Names.ChannelPushQueue || (await IsEmptyAsync(Names.InventoryEventsQueue) && await OutboxIsEmptyAsync()))
                && (queueName != Names.AlertsQueue || await IsEmptyAsync(Names.InventoryEventsQueue))
                && await IsEmptyAsync(queueName),
            TimeSpan.FromSeconds(20),
            $"{queueName} is empty");
    }

    private async Task<bool> IsEmptyAsync(string queueName) =>
        (await Storage.Queue(queueName).GetPropertiesAsync()).Value.ApproximateMessagesCount == 0;

    private async Task<bool> OutboxIsEmptyAsync() =>
        (await Ledger.ListOutboxAsync(TimeProvider.System.GetUtcNow().AddDays(1), CancellationToken.None)).Count == 0;

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        await Shopify.DisposeAsync();
        await Etsy.DisposeAsync();
        if (Square is not null)
        {
            await Square.DisposeAsync();
        }

        if (WooCommerce is not null)
        {
            await WooCommerce.DisposeAsync();
        }

        if (Amazon is not null)
        {
            await Amazon.DisposeAsync();
        }

        if (Ebay is not null)
        {
            await Ebay.DisposeAsync();
        }
    }
}

/// <summary>A one-product item listed on both channels (and on Square when <see cref="OnSquare"/>), with ids derived
/// from <paramref name="N"/>.</summary>
internal sealed record TestItem(string Sku, int Quantity, int N)
{
    public bool OnSquare { get; init; }

    public bool OnWooCommerce { get; init; }

    public long WooProductId => 8_000_000_000 + N;

    public bool OnAmazon { get; init; }

    public string AmazonSellerSku => Sku;

    public bool OnEbay { get; init; }

    /// <summary>The item's inventory item SKU on eBay (the seller's own SKU, as on the other channels).</summary>
    public string EbaySku => Sku;

    /// <summary>The single-item eBay listing a test lists an eBay SKU on.</summary>
    public static string EbayListingOf(string ebaySku) =>
        (110_000_000_000 + (ebaySku.Aggregate(2_166_136_261u, (hash, c) => unchecked((hash ^ c) * 16_777_619u)) % 1_000_000_000)).ToString(System.Globalization.CultureInfo.InvariantCulture);

    public string SquareVariationId => "VAR" + N.ToString("D21", System.Globalization.CultureInfo.InvariantCulture);

    public const long LocationId = 6_500_000_001;

    public long ShopifyProductId => 7_000_000_000 + N;

    public long ShopifyVariantId => 4_100_000_000 + N;

    public long ShopifyInventoryItemId => 4_300_000_000 + N;

    public long EtsyListingId => 1_500_000_000 + N;

    public SkuMapping Mapping => new(
        Sku,
        Sku,
        [new ShopifyListing(ShopifyVariantId, ShopifyInventoryItemId, LocationId, ShopifyProductId), new EtsyListing(EtsyListingId, Sku), OnSquare ? new SquareListing(SquareVariationId) : null, OnWooCommerce ? new WooCommerceListing(WooProductId, null) : null, OnEbay ? new EbayListing(EbaySku) : null, OnAmazon ? new AmazonListing(AmazonSellerSku) : null]);
}
