using System.Globalization;
using System.Text;
using FuncSync.App.Tests.Channels;
using FuncSync.App.Tests.Infrastructure;
using FuncSync.Domain;
using FuncSync.Shopify;

namespace FuncSync.App.Tests.Shopify;

/// <summary>Shopify for the channel contract suite: the simulator's inventory levels, an admin edit, and an
/// <c>orders/create</c> delivery signed like Shopify's.</summary>
internal sealed class ShopifyChannelContract : ChannelContract
{
    private static int _orders;

    public override Channel Channel => Channel.Shopify;

    public override int Shown(FuncSyncTestApp app, TestItem item) => app.Shopify.GetAvailable(item.ShopifyInventoryItemId, TestItem.LocationId);

    public override Task ChangeOnChannelAsync(FuncSyncTestApp app, TestItem item, int quantity) =>
        app.Shopify.SetAvailableFromAdminAsync(item.ShopifyInventoryItemId, TestItem.LocationId, quantity);

    public override Func<bool, HttpRequestMessage> PrepareOrder(FuncSyncTestApp app, TestItem item, int quantity)
    {
        var order = 9_100_000 + Interlocked.Increment(ref _orders);
        var at = TimeProvider.System.GetUtcNow().ToString("O", CultureInfo.InvariantCulture);
        var body = Encoding.UTF8.GetBytes(string.Create(
            CultureInfo.InvariantCulture,
            $$"""{"id":{{order}},"name":"#{{order}}","created_at":"{{at}}","cancelled_at":null,"line_items":[{"id":{{order * 10}},"variant_id":{{item.ShopifyVariantId}},"sku":"{{item.Sku}}","quantity":{{quantity}},"variant_inventory_management":"shopify","fulfillment_status":null}],"fulfillments":[]}"""));
        var eventId = Guid.NewGuid().ToString();
        return validSignature =>
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "api/webhooks/shopify") { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new("application/json");
            request.Headers.Add("X-Shopify-Hmac-Sha256", ShopifyWebhookSignature.Compute(validSignature ? app.Shopify.Options.WebhookSecret : "not-the-secret", body));
            request.Headers.Add("X-Shopify-Topic", "orders/create");
            request.Headers.Add("X-Shopify-Shop-Domain", app.Shopify.Options.ShopDomain);
            request.Headers.Add("X-Shopify-Webhook-Id", Guid.NewGuid().ToString());
            request.Headers.Add("X-Shopify-Event-Id", eventId);
            return request;
        };
    }
}
