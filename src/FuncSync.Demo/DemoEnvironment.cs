using System.Globalization;
using FuncSync.Catalog;
using FuncSync.Hosting;
using FuncSync.Ledger;
using FuncSync.Simulators.Etsy;
using FuncSync.Simulators.Shopify;
using FuncSync.Simulators.Amazon;
using FuncSync.Simulators.Ebay;
using FuncSync.Simulators.Square;
using FuncSync.Simulators.WooCommerce;
using FuncSync.WooCommerce;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace FuncSync.Demo;

/// <summary>The demo beside FuncSync in local mode (Azurite is the app's own when no storage is configured): with no
/// channel configured, every channel's simulator, a demo shop and simulated buyers, and a Square market stall.</summary>
public sealed class DemoEnvironment : ILocalCompanion
{
    public const string DemoAdminKey = "demo-admin-key";

    private readonly ILogger _logger;
    private ShopifySimulator? _shopify;
    private EtsySimulator? _etsy;
    private SquareSimulator? _square;
    private WooCommerceSimulator? _woo;
    private AmazonSimulator? _amazon;
    private EbaySimulator? _ebay;
    private Task _ebayBuyers = Task.CompletedTask;
    private Task _buyers = Task.CompletedTask;
    private Task _stall = Task.CompletedTask;
    private Task _website = Task.CompletedTask;
    private Task _amazonBuyers = Task.CompletedTask;

    private DemoEnvironment(ILogger logger) => _logger = logger;

    public static async Task<ILocalCompanion> PrepareAsync(ConfigurationManager configuration, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var demo = new DemoEnvironment(logger);
        var overrides = new Dictionary<string, string?>();
        if (string.IsNullOrWhiteSpace(configuration["Shopify:AdminApiBaseUrl"]) && string.IsNullOrWhiteSpace(configuration["Etsy:ApiBaseUrl"]) && string.IsNullOrWhiteSpace(configuration["Square:ApiBaseUrl"]) && string.IsNullOrWhiteSpace(configuration["WooCommerce:StoreUrl"])
            && string.IsNullOrWhiteSpace(configuration["Ebay:ApiBaseUrl"]) && string.IsNullOrWhiteSpace(configuration["Amazon:ApiBaseUrl"]))
        {
            // Order, event and transaction ids must not repeat those of earlier runs kept in .azurite.
            var seed = (int)(TimeProvider.System.GetUtcNow().ToUnixTimeSeconds() % int.MaxValue);
            demo._shopify = await ShopifySimulator.StartAsync(new ShopifySimulatorOptions { Seed = seed }, TimeProvider.System, null, cancellationToken);
            demo._etsy = await EtsySimulator.StartAsync(new EtsySimulatorOptions { Seed = seed }, TimeProvider.System, null, cancellationToken);

            // The stall's notifications are signed for the address registered with Square, as behind a proxy; they are
            // delivered to wherever the app listens once it does.
            demo._square = await SquareSimulator.StartAsync(
                new SquareSimulatorOptions { Seed = seed, NotificationUrl = new Uri("https://stall.funcsync.example/api/webhooks/square") }, TimeProvider.System, null, cancellationToken);
            demo._woo = await WooCommerceSimulator.StartAsync(new WooCommerceSimulatorOptions { Seed = seed, LostShare = 0.2, Currency = "USD" }, TimeProvider.System, null, cancellationToken);
            foreach (var (key, value) in SimulatedChannels.Settings(demo._shopify, demo._etsy, demo._square).Concat(SimulatedChannels.Settings(demo._woo)))
            {
                overrides[key] = value;
            }

            overrides["WooCommerce:OrderPollSchedule"] = "*/30 * * * * *";

            // Amazon as it behaves: patches applied 20 s after ACCEPTED, orders in the Orders API two minutes after a change.
            demo._amazon = await AmazonSimulator.StartAsync(
                new AmazonSimulatorOptions { Seed = seed, PatchDelay = TimeSpan.FromSeconds(20), FeedProcessingDelay = TimeSpan.FromSeconds(60) }, TimeProvider.System, null, cancellationToken);
            foreach (var (key, value) in SimulatedChannels.Settings(demo._amazon))
            {
                overrides[key] = value;
            }

            // eBay's notification destination, registered for a public address and delivered to the app once it listens.
            demo._ebay = await EbaySimulator.StartAsync(
                new EbaySimulatorOptions { Seed = seed, NotificationUrl = new Uri("https://shop.funcsync.example/api/webhooks/ebay") }, TimeProvider.System, null, cancellationToken);
            foreach (var (key, value) in SimulatedChannels.Settings(demo._ebay))
            {
                overrides[key] = value;
            }

            overrides["Ebay:OrderPollSchedule"] = "*/30 * * * * *";

            overrides["FuncSync:Shop"] = "demo";
            overrides["Etsy:PollSchedule"] = "*/5 * * * * *";

            // The demo's admin key is public on purpose (README); a real deployment sets its own.
            if (string.IsNullOrEmpty(configuration["FuncSync:AdminKey"]))
            {
                overrides["FuncSync:AdminKey"] = DemoAdminKey;
            }

            logger.LogInformation("No channels configured: simulated Shopify at {Shopify}, Etsy at {Etsy}, a Square market stall at {Square}, a WooCommerce website at {WooCommerce}, eBay at {Ebay} and Amazon at {Amazon}", demo._shopify.BaseUrl, demo._etsy.BaseUrl, demo._square.BaseUrl, demo._woo.BaseUrl, demo._ebay.BaseUrl, demo._amazon.BaseUrl);
        }

        configuration.AddInMemoryCollection(overrides);
        return demo;
    }

    /// <summary>Once the app listens: points Shopify's webhooks at it, loads the demo shop, and lets
    /// simulated buyers shop on both channels until the app stops.</summary>
    public async Task StartAsync(WebApplication app, CancellationToken stopping)
    {
        if (_shopify is null || _etsy is null || _square is null || _amazon is null || _ebay is null)
        {
            return;
        }

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var root = new Uri(address.EndsWith('/') ? address : address + "/");
        _shopify.Options.WebhookUrl = new Uri(root, "api/webhooks/shopify");
        _square.Options.DeliverTo = new Uri(root, "api/webhooks/square");
        if (_woo is not null)
        {
            _woo.Options.DeliveryUrl = new Uri(root, "api/webhooks/woocommerce");
        }

        var catalog = DemoCatalog.Load(Path.Combine(AppContext.BaseDirectory, "demo-catalog.csv"));
        catalog.Stock(_shopify, _etsy, _square, _amazon);
        foreach (var row in _woo is null ? [] : catalog.Rows.Where(r => r.Mapping.WooCommerce is not null))
        {
            _woo!.AddProduct(row.Mapping.Sku, row.Quantity ?? 0, row.Mapping.WooCommerce!.ProductId, row.Mapping.Title, catalog.PriceOf(row.Mapping.Sku));
        }

        _ebay.Options.DeliverTo = new Uri(root, "api/webhooks/ebay");
        DemoEbayBuyers.Stock(_ebay, catalog);
        var importer = app.Services.GetRequiredService<CatalogImporter>();
        var time = app.Services.GetRequiredService<TimeProvider>();

        // A fresh import id per run: the simulators start full, so the ledger is counted to match.
        var runId = time.GetUtcNow().ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
        await importer.ImportAsync(catalog.Rows, $"demo-{runId}", "demo", stopping);
        _logger.LogInformation("Demo shop loaded: {Count} SKUs. Try: curl -H 'x-functions-key: {Key}' {Address}/api/skus/NECK-MOON-01", catalog.Rows.Count, DemoAdminKey, address.TrimEnd('/'));

        var buyers = new DemoBuyers(_shopify, _etsy, catalog, app.Services.GetRequiredService<InventoryEventSender>(), time, _logger);
        _buyers = buyers.RunAsync(stopping);
        _stall = new DemoStall(_square, catalog, time, _logger).RunAsync(stopping);
        if (_woo is not null)
        {
            _website = new DemoWebsite(_woo, catalog, time, _logger).RunAsync(stopping);
        }
        _amazonBuyers = new DemoAmazonBuyers(_amazon, catalog, time, _logger).RunAsync(stopping);
        _ebayBuyers = new DemoEbayBuyers(_ebay, catalog, time, _logger).RunAsync(stopping);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var simulated in new[] { _buyers, _stall, _website, _amazonBuyers, _ebayBuyers })
        {
            try
            {
                await simulated;
            }
            catch (OperationCanceledException)
            {
                // The app is stopping.
            }
        }

        if (_shopify is not null)
        {
            await _shopify.DisposeAsync();
        }

        if (_etsy is not null)
        {
            await _etsy.DisposeAsync();
        }

        if (_square is not null)
        {
            await _square.DisposeAsync();
        }

        if (_woo is not null)
        {
            await _woo.DisposeAsync();
        }

        if (_amazon is not null)
        {
            await _amazon.DisposeAsync();
        }

        if (_ebay is not null)
        {
            await _ebay.DisposeAsync();
        }
    }
}
