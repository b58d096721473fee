using System.Net;
using FuncSync.Simulators.Shopify;
using FuncSync.Testing;
using Microsoft.Extensions.Time.Testing;

namespace FuncSync.Simulators.Tests.Shopify;

/// <summary>Shopify's delivery behaviour: retries on Shopify's schedule on a fake clock, subscriptions deciding where
/// events go, seeded duplicates and reordering.</summary>
public sealed class ShopifySimulatorDeliveryTests : IAsyncLifetime
{
    private const long VariantId = 39072856;
    private const long ItemId = 808950810;
    private const long LocationId = 655441491;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 5, 1, 12, 0, 0, TimeSpan.Zero));
    private ShopifySimulator _simulator = null!;
    private WebhookReceiver _receiver = null!;

    public async Task InitializeAsync()
    {
        _simulator = await ShopifySimulator.StartAsync(new ShopifySimulatorOptions(), _time);
        _simulator.AddVariant(632910392, VariantId, ItemId, LocationId, "MUG-BLUE", 50, "Blue mug");
        _receiver = await WebhookReceiver.StartAsync();
        _simulator.Options.WebhookUrl = _receiver.Url;
    }

    public async Task DisposeAsync()
    {
        await _simulator.DisposeAsync();
        await _receiver.DisposeAsync();
    }

    [Fact]
    public void RetrySchedule_Default_EightDoublingRetriesOverFourHours()
    {
        var delays = ShopifySimulatorOptions.ShopifyRetrySchedule;

        Assert.Equal(8, delays.Count);
        Assert.Equal(TimeSpan.FromHours(4), TimeSpan.FromSeconds(Math.Round(delays.Sum(d => d.TotalSeconds))));
        Assert.All(delays.Zip(delays.Skip(1)), pair => Assert.Equal(2 * pair.First.TotalSeconds, pair.Second.TotalSeconds, 3));
    }

    [Fact]
    public async Task Delivery_ReceiverKeepsFailing_RetriedEightTimesOverFourHoursThenDropped()
    {
        _receiver.StatusCode = 500;
        var start = _time.GetUtcNow();

        var order = await _simulator.PlaceOrderAsync([(VariantId, 1)]);
        foreach (var (delay, retry) in _simulator.Options.WebhookRetryDelays.Select((d, i) => (d, i + 1)))
        {
            await Eventually.WaitAsync(() => _simulator.ScheduledRetries == retry, Deadline, $"retry {retry} is scheduled");
            _time.Advance(delay);
        }

        await Eventually.WaitAsync(() => _receiver.Received.Count == 9, Deadline, "the last retry was made");
        _time.Advance(TimeSpan.FromHours(24));
        await _simulator.WhenDeliveriesSettledAsync();

        Assert.Equal((HttpStatusCode)500, order!.WebhookStatus);
        var attempts = _simulator.Deliveries;
        Assert.Equal(Enumerable.Range(0, 9), attempts.Select(a => a.Attempt));
        Assert.All(attempts, a => Assert.Equal(order.EventId, a.EventId));
        Assert.Equal(9, attempts.Select(a => a.DeliveryId).Distinct().Count());
        Assert.Equal(TimeSpan.FromHours(4), TimeSpan.FromSeconds(Math.Round((attempts[^1].At - start).TotalSeconds)));
        Assert.Single(_receiver.Received.Select(r => r.Headers["X-Shopify-Triggered-At"]).Distinct());
    }

    [Fact]
    public async Task Delivery_ReceiverRecovers_RetriesStopAtFirstSuccess()
    {
        _receiver.StatusCode = 503;
        await _simulator.PlaceOrderAsync([(VariantId, 1)]);
        await Eventually.WaitAsync(() => _simulator.ScheduledRetries == 1, Deadline, "the first retry is scheduled");

        _receiver.StatusCode = 200;
        _time.Advance(_simulator.Options.WebhookRetryDelays[0]);
        await Eventually.WaitAsync(() => _receiver.Received.Count == 2, Deadline, "the first retry was made");
        _time.Advance(TimeSpan.FromHours(5));
        await _simulator.WhenDeliveriesSettledAsync();

        Assert.Equal(2, _receiver.Received.Count);
        Assert.Equal([0, 1], _simulator.Deliveries.Select(d => d.Attempt));
    }

    [Fact]
    public async Task Delivery_WithSubscriptions_OnlySubscribedTopicsToTheirAddresses()
    {
        await using var other = await WebhookReceiver.StartAsync();
        _simulator.AddWebhookSubscription("orders/create", other.Url);

        await _simulator.PlaceOrderAsync([(VariantId, 1)]);
        var unsubscribed = await _simulator.SendWebhookAsync("products/update", new System.Text.Json.Nodes.JsonObject { ["id"] = 1 });

        Assert.Equal((HttpStatusCode)0, unsubscribed);
        Assert.Empty(_receiver.Received);
        var delivered = Assert.Single(other.Received);
        Assert.Equal("orders/create", delivered.Headers["X-Shopify-Topic"]);
    }

    [Fact]
    public async Task Delivery_DuplicateRate_EverySuccessSentTwiceWithOneEventId()
    {
        _simulator.Options.WebhookDuplicateRate = 1;

        var order = await _simulator.PlaceOrderAsync([(VariantId, 1)]);
        await _simulator.WhenDeliveriesSettledAsync();

        var received = _receiver.Received.ToArray();
        Assert.Equal(2, received.Length);
        Assert.All(received, r => Assert.Equal(order!.EventId, r.Headers["X-Shopify-Event-Id"]));
        Assert.NotEqual(received[0].Headers["X-Shopify-Webhook-Id"], received[1].Headers["X-Shopify-Webhook-Id"]);
    }

    [Fact]
    public async Task Delivery_HeldBack_LaterEventArrivesFirst()
    {
        _simulator.Options.WebhookReorderRate = 1;
        _simulator.Options.WebhookReorderMaxDelay = TimeSpan.FromSeconds(10);
        var first = await _simulator.PlaceOrderAsync([(VariantId, 1)]);
        _simulator.Options.WebhookReorderRate = 0;

        var second = await _simulator.PlaceOrderAsync([(VariantId, 1)]);
        _time.Advance(TimeSpan.FromSeconds(10));
        await _simulator.WhenDeliveriesSettledAsync();

        Assert.Equal((HttpStatusCode)0, first!.WebhookStatus);
        Assert.Equal([second!.EventId, first.EventId], _receiver.Received.Select(r => r.Headers["X-Shopify-Event-Id"]));
    }

    [Fact]
    public async Task Faults_SameSeed_SameDeliveries()
    {
        async Task<string[]> RunAsync()
        {
            await using var simulator = await ShopifySimulator.StartAsync(
                new ShopifySimulatorOptions { WebhookDuplicateRate = 0.5, Seed = 7 }, _time);
            await using var receiver = await WebhookReceiver.StartAsync();
            simulator.Options.WebhookUrl = receiver.Url;
            simulator.AddVariant(632910392, VariantId, ItemId, LocationId, "MUG-BLUE", 50, "Blue mug");
            for (var i = 0; i < 10; i++)
            {
                await simulator.PlaceOrderAsync([(VariantId, 1)]);
            }

            await simulator.WhenDeliveriesSettledAsync();
            return [.. receiver.Received.Select(r => r.Headers["X-Shopify-Event-Id"]).Order(StringComparer.Ordinal)];
        }

        var a = await RunAsync();
        var b = await RunAsync();

        Assert.InRange(a.Length, 11, 19);
        Assert.Equal(a, b);
    }
}
