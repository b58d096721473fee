using System.Net;
using System.Text.Json.Nodes;
using FuncSync.App.Tests.Infrastructure;
using FuncSync.Shopify;
using FuncSync.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace FuncSync.App.Tests.Shopify;

/// <summary>Webhook subscriptions through the Admin API: made at start-up, idempotent on the admin command, moved when
/// the app's address changes, and the simulator delivering only what is subscribed.</summary>
[Collection(AzuriteTests.Name)]
public sealed class ShopifySubscriptionTests(AzuriteFixture azurite)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    private static readonly string[] Topics = ["FULFILLMENTS_UPDATE", "INVENTORY_LEVELS_UPDATE", "ORDERS_CANCELLED", "ORDERS_CREATE", "ORDERS_FULFILLED", "ORDERS_PARTIALLY_FULFILLED", "PRODUCTS_UPDATE", "REFUNDS_CREATE"];

    [Fact]
    public async Task Startup_WithBaseUrl_OnePerTopicAndTheCommandAddsNothing()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite, new Dictionary<string, string?> { ["Shopify:WebhookBaseUrl"] = "http://127.0.0.1:9/" });
        await Eventually.WaitAsync(() => app.Shopify.WebhookSubscriptions.Count == Topics.Length, Deadline, "start-up subscribed every topic");

        using var response = await app.Http.PostAsync("api/shopify/subscriptions", null);

        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.All(body["Actions"]!.AsArray(), a => Assert.Equal("kept", (string?)a!["Action"]));
        var subscriptions = app.Shopify.WebhookSubscriptions;
        Assert.Equal(Topics, subscriptions.Select(s => s.Topic).Order(StringComparer.Ordinal));
        Assert.All(subscriptions, s => Assert.Equal(new Uri("http://127.0.0.1:9/api/webhooks/shopify"), s.Uri));
    }

    [Fact]
    public async Task Command_WithoutBaseUrl_400AndNothingSubscribed()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);

        using var response = await app.Http.PostAsync("api/shopify/subscriptions", null);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Shopify__WebhookBaseUrl", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(app.Shopify.WebhookSubscriptions);
    }

    [Fact]
    public async Task Ensure_AppMoved_SubscriptionsFollowAndDuplicateRemoved()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        var old = new Uri("http://127.0.0.1:9/api/webhooks/shopify");
        foreach (var topic in new[] { "orders/create", "orders/create", "refunds/create" })
        {
            app.Shopify.AddWebhookSubscription(topic, old);
        }

        var moved = new Uri("http://127.0.0.1:8/api/webhooks/shopify");
        var first = await Subscriptions(app).EnsureAsync(moved, CancellationToken.None);
        var second = await Subscriptions(app).EnsureAsync(moved, CancellationToken.None);

        Assert.Equal(["created", "created", "created", "created", "created", "created", "deleted", "updated", "updated"], first.Actions.Select(a => a.Action).Order(StringComparer.Ordinal));
        Assert.All(second.Actions, a => Assert.Equal("kept", a.Action));
        Assert.Equal(Topics, app.Shopify.WebhookSubscriptions.Select(s => s.Topic).Order(StringComparer.Ordinal));
        Assert.All(app.Shopify.WebhookSubscriptions, s => Assert.Equal(moved, s.Uri));
    }

    [Fact]
    public async Task Subscribed_SaleArrivesThroughItsSubscription_OtherTopicsNotSent()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        var item = new TestItem("SUBSCRIBED-01", 4, 30);
        await app.LoadAsync(item);
        var callback = new Uri(app.BaseUrl, "api/webhooks/shopify");
        await Subscriptions(app).EnsureAsync(callback, CancellationToken.None);
        app.Shopify.Options.WebhookUrl = new Uri("http://127.0.0.1:9/nowhere");

        var order = await app.Shopify.PlaceOrderAsync([(item.ShopifyVariantId, 1)]);
        var paid = await app.Shopify.SendWebhookAsync("orders/paid", new JsonObject { ["id"] = 1, ["line_items"] = new JsonArray() });

        Assert.Equal(HttpStatusCode.OK, order!.WebhookStatus);
        Assert.Equal((HttpStatusCode)0, paid);
        await Eventually.WaitAsync(async () => await app.AvailableAsync(item.Sku) == 3, Deadline, "the sale is in the ledger");
        Assert.All(app.Shopify.Deliveries, d => Assert.Equal(callback, d.Address));
    }

    private static ShopifyWebhookSubscriptions Subscriptions(FuncSyncTestApp app) => app.App.Services.GetRequiredService<ShopifyWebhookSubscriptions>();
}
