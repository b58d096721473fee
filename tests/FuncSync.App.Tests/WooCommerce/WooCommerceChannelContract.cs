using FuncSync.App.Tests.Channels;
using FuncSync.App.Tests.Infrastructure;
using FuncSync.Domain;
using FuncSync.Simulators.WooCommerce;
using FuncSync.Testing;
using FuncSync.WooCommerce;

namespace FuncSync.App.Tests.WooCommerce;

/// <summary>WooCommerce for the channel contract suite: the item as a simple product, a stock edit in wp-admin, and an
/// <c>order.created</c> delivery signed like <c>WC_Webhook</c> for an order the website holds.</summary>
internal sealed class WooCommerceChannelContract : ChannelContract
{
    public override Channel Channel => Channel.WooCommerce;

    public override Task<FuncSyncTestApp> StartAppAsync(AzuriteFixture azurite) =>
        FuncSyncTestApp.StartAsync(azurite, Settings, wooCommerceOptions: new WooCommerceSimulatorOptions());

    public override TestItem Item(string sku, int quantity, int n) => new(sku, quantity, n) { OnWooCommerce = true };

    public override int Shown(FuncSyncTestApp app, TestItem item) => app.WooCommerce!.GetStock(item.WooProductId) ?? 0;

    public override Task ChangeOnChannelAsync(FuncSyncTestApp app, TestItem item, int quantity) =>
        app.WooCommerce!.EditStockInAdminAsync(item.WooProductId, quantity);

    public override Func<bool, HttpRequestMessage> PrepareOrder(FuncSyncTestApp app, TestItem item, int quantity)
    {
        var woo = app.WooCommerce!;
        // Made while the webhook has no address, so only the test's own delivery carries it.
        var url = woo.Options.DeliveryUrl;
        woo.Options.DeliveryUrl = null;
        var orderId = woo.CheckoutAsync([(item.WooProductId, quantity)]).GetAwaiter().GetResult();
        woo.Options.DeliveryUrl = url;
        var body = woo.OrderPayload(orderId);
        return validSignature =>
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "api/webhooks/woocommerce") { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new("application/json");
            request.Headers.Add(WooCommerceWebhook.TopicHeader, WooCommerceWebhook.OrderCreated);
            request.Headers.Add("X-WC-Webhook-Delivery-ID", Guid.NewGuid().ToString("N"));
            request.Headers.Add(WooCommerceWebhookSignature.Header, WooCommerceSimulator.Sign(validSignature ? woo.Options.WebhookSecret : "not-the-secret", body));
            return request;
        };
    }
}
