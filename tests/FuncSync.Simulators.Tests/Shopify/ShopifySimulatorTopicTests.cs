using System.Text.Json.Nodes;
using FuncSync.Simulators.Shopify;
using Microsoft.Extensions.Time.Testing;

namespace FuncSync.Simulators.Tests.Shopify;

public sealed class ShopifySimulatorTopicTests : IAsyncLifetime
{
    private const long ProductId = 632910392;
    private const long VariantId = 39072856;
    private const long ItemId = 808950810;
    private const long LocationId = 655441491;

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 5, 1, 12, 0, 0, TimeSpan.Zero));
    private ShopifySimulator _simulator = null!;

    public async Task InitializeAsync()
    {
        _simulator = await ShopifySimulator.StartAsync(new ShopifySimulatorOptions(), _time);
        _simulator.AddVariant(ProductId, VariantId, ItemId, LocationId, "MUG-BLUE", 5, "Blue mug");
    }

    public async Task DisposeAsync() => await _simulator.DisposeAsync();

    [Fact]
    public async Task CancelOrder_WithRestock_SendsCancelledThenCancelRefundAndRestocks()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        _simulator.Options.WebhookUrl = receiver.Url;
        var order = await _simulator.PlaceOrderAsync([(VariantId, 2)]);

        await _simulator.CancelOrderAsync(order!.OrderId);

        var deliveries = receiver.Received.ToArray();
        Assert.Equal(["orders/create", "orders/cancelled", "refunds/create"], deliveries.Select(d => d.Headers["X-Shopify-Topic"]));
        var refund = JsonNode.Parse(deliveries[2].Body)!;
        Assert.Equal("cancel", (string?)refund["refund_line_items"]![0]!["restock_type"]);
        Assert.Equal(5, _simulator.GetAvailable(ItemId, LocationId));
    }

    [Fact]
    public async Task Fulfill_PartThenRest_SendsPartiallyFulfilledThenFulfilledWithEveryFulfilmentAndAvailableUnmoved()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        _simulator.Options.WebhookUrl = receiver.Url;
        var order = await _simulator.PlaceOrderAsync([(VariantId, 3)]);
        var line = _simulator.LineItemIds(order!.OrderId)[0];

        await _simulator.FulfillAsync(order.OrderId, [(line, 1)]);
        await _simulator.FulfillAsync(order.OrderId);

        var deliveries = receiver.Received.ToArray();
        Assert.Equal(["orders/create", "orders/partially_fulfilled", "orders/fulfilled"], deliveries.Select(d => d.Headers["X-Shopify-Topic"]));
        var fulfilled = JsonNode.Parse(deliveries[2].Body)!;
        var fulfillments = fulfilled["fulfillments"]!.AsArray();
        Assert.Equal([1, 2], fulfillments.Select(f => (int)f!["line_items"]![0]!["quantity"]!));
        Assert.All(fulfillments, f => Assert.Equal("success", (string?)f!["status"]));
        Assert.Equal("fulfilled", (string?)fulfilled["fulfillment_status"]);
        Assert.Equal(0, (int)fulfilled["line_items"]![0]!["fulfillable_quantity"]!);
        Assert.Equal(2, _simulator.GetAvailable(ItemId, LocationId));
        await Assert.ThrowsAsync<ArgumentException>(() => _simulator.FulfillAsync(order.OrderId));
    }

    [Fact]
    public async Task Refund_NoRestock_StockUnchanged()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        _simulator.Options.WebhookUrl = receiver.Url;
        var order = await _simulator.PlaceOrderAsync([(VariantId, 2)]);

        await _simulator.RefundAsync(order!.OrderId, _simulator.LineItemIds(order.OrderId)[0], 1, "no_restock");

        Assert.Equal(3, _simulator.GetAvailable(ItemId, LocationId));
    }

    [Fact]
    public async Task UnprefixedHeaders_SendsShopifyDashNames()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        _simulator.Options.WebhookUrl = receiver.Url;
        _simulator.Options.UnprefixedHeaders = true;

        await _simulator.SetAvailableFromAdminAsync(ItemId, LocationId, 9);

        var delivery = Assert.Single(receiver.Received);
        Assert.Equal("inventory_levels/update", delivery.Headers["shopify-topic"]);
        Assert.False(delivery.Headers.ContainsKey("X-Shopify-Topic"));
        Assert.Equal(9, (int)JsonNode.Parse(delivery.Body)!["available"]!);
    }
}
