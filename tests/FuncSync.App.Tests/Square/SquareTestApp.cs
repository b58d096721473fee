using System.Globalization;
using System.Net;
using FuncSync.App.Tests.Infrastructure;
using FuncSync.Catalog;
using FuncSync.Channels.Webhooks;
using FuncSync.Domain;
using FuncSync.Etsy;
using FuncSync.Shopify;
using FuncSync.Simulators.Square;
using FuncSync.Square;
using FuncSync.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace FuncSync.App.Tests.Square;

/// <summary>The real app beside its Shopify and Etsy simulators and a Square simulator for a seller with a shop and a
/// market stall; Square's notifications (signed for the registered URL) reach the app's <see cref="IChannelWebhook"/>
/// through a relay that plays the generic webhook intake: verify at the door, then handle.</summary>
internal sealed class SquareTestApp : IAsyncDisposable
{
    public const string Shop = "LSHOP0000000A";
    public const string Stall = "LSTALL000000B";

    private readonly WebApplication _relay;

    private SquareTestApp(FuncSyncTestApp app, WebApplication relay)
    {
        App = app;
        Square = app.Square!;
        _relay = relay;
    }

    public FuncSyncTestApp App { get; }

    public SquareSimulator Square { get; }

    /// <summary>Statuses the relay answered, in order.</summary>
    public List<int> Answers { get; } = [];

    /// <summary>The deliveries the door accepted, with their exact bodies.</summary>
    public List<(AcceptedWebhook Accepted, byte[] Body)> Accepted { get; } = [];

    public static async Task<SquareTestApp> StartAsync(AzuriteFixture azurite, TimeSpan levelCheckDelay, IReadOnlyDictionary<string, string?>? settings = null)
    {
        SquareTestApp? self = null;
        var (relay, url) = await StartRelayAsync(context => self!.RelayAsync(context));
        var configuration = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>())
        {
            ["Square:LevelCheckDelay"] = levelCheckDelay.ToString("c", CultureInfo.InvariantCulture),
        };
        var app = await FuncSyncTestApp.StartAsync(azurite, configuration, squareOptions: new SquareSimulatorOptions());
        app.Square!.Options.DeliverTo = url;
        self = new SquareTestApp(app, relay);
        return self;
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
    public async Task WaitUntilEverywhereAsync(SkuMapping mapping, int quantity, string because)
    {
        var shopify = mapping.Shopify!;
        var etsy = mapping.Etsy!;
        await Eventually.WaitAsync(
            async () => await App.AvailableAsync(mapping.Sku) == quantity
                && App.Shopify.GetAvailable(shopify.InventoryItemId, shopify.LocationId) == quantity
                && App.Etsy.GetQuantity(etsy.ListingId, etsy.Sku) == quantity
                && SquareCount(mapping) == quantity,
            TimeSpan.FromSeconds(30),
            because);
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

    public async ValueTask DisposeAsync()
    {
        await App.DisposeAsync();
        await _relay.StopAsync();
        await _relay.DisposeAsync();
    }

    private static async Task<(WebApplication App, Uri Url)> StartRelayAsync(RequestDelegate handler)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Services.AddLogging();
        var relay = builder.Build();
        relay.Run(handler);
        await relay.StartAsync();
        var address = relay.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return (relay, new Uri(new Uri(address), "/api/webhooks/square"));
    }

    private async Task RelayAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer);
        var body = buffer.ToArray();
        var delivery = new WebhookDelivery(
            "POST",
            WebhookDelivery.Map(context.Request.Headers.Select(h => KeyValuePair.Create(h.Key, h.Value.ToString()))),
            WebhookDelivery.Map([]),
            body,
            TimeProvider.System.GetUtcNow());
        var webhook = App.App.Services.GetRequiredKeyedService<IChannelWebhook>(Channel.Square);
        var verdict = await webhook.VerifyAsync(delivery, CancellationToken.None);
        var status = verdict switch
        {
            WebhookVerdict.Rejected rejected => rejected.Status,
            WebhookVerdict.Responded responded => responded.Status,
            _ => 200,
        };
        if (verdict is WebhookVerdict.Accepted accepted)
        {
            var message = new AcceptedWebhook(Channel.Square, accepted.Topic, accepted.EventId, accepted.OccurredAt, delivery.ReceivedAt, delivery.BodyText(), null);
            lock (Accepted)
            {
                Accepted.Add((message, body));
            }

            try
            {
                await webhook.HandleAsync(message, body, CancellationToken.None);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The inbox would retry the message; the relay answers 500 so Square retries instead.
                status = 500;
            }
        }

        lock (Answers)
        {
            Answers.Add(status);
        }

        context.Response.StatusCode = status;
    }
}
