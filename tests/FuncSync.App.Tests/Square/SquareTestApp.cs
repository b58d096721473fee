using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using FuncSync.App.Tests.Infrastructure;
using FuncSync.Catalog;
using FuncSync.Etsy;
using FuncSync.Shopify;
using FuncSync.Simulators.Square;
using FuncSync.Square;
using FuncSync.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace FuncSync.App.Tests.Square;

/// <summary>The real app beside its Shopify and Etsy simulators and a Square simulator for a seller with a shop and a
/// market stall; Square's notifications, signed for the registered URL, reach <c>POST /api/webhooks/square</c>.</summary>
internal sealed class SquareTestApp : IAsyncDisposable
{
    public const string Shop = "LSHOP0000000A";
    public const string Stall = "LSTALL000000B";

    private SquareTestApp(FuncSyncTestApp app)
    {
        App = app;
        Square = app.Square!;
    }

    public FuncSyncTestApp App { get; }

    public SquareSimulator Square { get; }

    public static async Task<SquareTestApp> StartAsync(AzuriteFixture azurite, TimeSpan levelCheckDelay, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var configuration = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>())
        {
            ["Square:LevelCheckDelay"] = levelCheckDelay.ToString("c", CultureInfo.InvariantCulture),
        };
        return new SquareTestApp(await FuncSyncTestApp.StartAsync(azurite, configuration, squareOptions: new SquareSimulatorOptions()));
    }

    /// <summary>Lists the item on Shopify and Etsy and its variation at the market stall, maps all three and counts it
    /// into the ledger, then waits until every channel's first push is recorded.</summary>
    public async Task<SkuMapping> LoadAsync(string sku, int quantity, int n)
    {
        var item = new TestItem(sku, quantity, n) { OnSquare = true };
        await App.LoadAsync(item);
        var pushes = App.App.Services.GetRequiredService<FuncSync.Push.PushStore>();
        await Eventually.WaitAsync(async () => (await pushes.ListAsync(sku, CancellationToken.None)).Count == 3, TimeSpan.FromSeconds(20), "every channel's first push is recorded");
        await App.DrainedAsync(App.Names.ChannelPushQueue);
        return item.Mapping;
    }
    /// <summary>Every channel shows <paramref name="quantity"/> and the ledger holds it.</summary>
    public async Task WaitUntilEverywhereAsync(SkuMapping mapping, int quantity, string because, TimeSpan? within = null)
    {
        var shopify = mapping.Shopify!;
        var etsy = mapping.Etsy!;
        await Eventually.WaitAsync(
            async () => await App.AvailableAsync(mapping.Sku) == quantity
                && App.Shopify.GetAvailable(shopify.InventoryItemId, shopify.LocationId) == quantity
                && App.Etsy.GetQuantity(etsy.ListingId, etsy.Sku) == quantity
                && SquareCount(mapping) == quantity,
            within ?? TimeSpan.FromSeconds(30),
            because);
    }

    /// <summary>Level checks waiting in <c>square-level-checks</c> (invisible ones included).</summary>
    public async Task<int> LevelChecksQueuedAsync() =>
        (await App.Storage.Queue(App.Names.SquareLevelChecksQueue).GetPropertiesAsync()).Value.ApproximateMessagesCount;

    /// <summary>The ledger's count of the SKU's units sold on Square.</summary>
    public async Task<long> SoldOnSquareAsync(SkuMapping mapping) =>
        (await App.App.Services.GetRequiredService<FuncSync.Ledger.LedgerStore>().GetAvailabilityAsync(mapping, CancellationToken.None)).SoldOn(FuncSync.Domain.Channel.Square);

    /// <summary>Posts a signed <c>inventory.count.updated</c> for the variation at the stall, as Square would (now).</summary>
    public Task<HttpStatusCode> PostCountUpdatedAsync(SkuMapping mapping, string eventId) =>
        PostAsync(Envelope("inventory.count.updated", eventId, new JsonObject
        {
            ["type"] = "inventory_counts",
            ["id"] = eventId,
            ["object"] = new JsonObject
            {
                ["inventory_counts"] = new JsonArray(new JsonObject
                {
                    ["catalog_object_id"] = mapping.Square!.VariationId,
                    ["catalog_object_type"] = "ITEM_VARIATION",
                    ["state"] = "IN_STOCK",
                    ["location_id"] = Stall,
                    ["quantity"] = Square.GetCount(mapping.Square!.VariationId, Stall).ToString(CultureInfo.InvariantCulture),
                    ["calculated_at"] = Now(),
                }),
            },
        }));

    /// <summary>Posts a signed <c>order.created</c> for an open order at the stall.</summary>
    public Task<HttpStatusCode> PostOrderCreatedAsync(string orderId, string eventId) =>
        PostAsync(Envelope("order.created", eventId, new JsonObject
        {
            ["type"] = "order",
            ["id"] = orderId,
            ["object"] = new JsonObject { ["order_created"] = new JsonObject { ["order_id"] = orderId, ["state"] = "OPEN", ["location_id"] = Stall, ["version"] = 1, ["created_at"] = Now() } },
        }));

    private JsonObject Envelope(string topic, string eventId, JsonObject data) => new()
    {
        ["merchant_id"] = Square.Options.MerchantId,
        ["type"] = topic,
        ["event_id"] = eventId,
        ["created_at"] = Now(),
        ["data"] = data,
    };

    private static string Now() => TimeProvider.System.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private async Task<HttpStatusCode> PostAsync(JsonObject payload)
    {
        var body = Encoding.UTF8.GetBytes(payload.ToJsonString());
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/webhooks/square") { Content = new ByteArrayContent(body) };
        request.Headers.Add(SquareWebhookSignature.Header, SquareSimulator.Sign(Square.Options.SignatureKey, Square.Options.NotificationUrl!.OriginalString, body));
        using var response = await App.Http.SendAsync(request);
        return response.StatusCode;
    }

    public int SquareCount(SkuMapping mapping) =>
        Square.Options.LocationIds.Sum(l => Square.GetCount(mapping.Square!.VariationId, l));

    /// <summary>Waits until every queue is empty, the delayed level checks included.</summary>
    public async Task SettledAsync()
    {
        await App.DrainedAsync(App.Names.SquareLevelChecksQueue);
        await App.DrainedAsync(App.Names.InventoryEventsQueue);
        await App.DrainedAsync(App.Names.ChannelPushQueue);
    }

    public ValueTask DisposeAsync() => App.DisposeAsync();
}

