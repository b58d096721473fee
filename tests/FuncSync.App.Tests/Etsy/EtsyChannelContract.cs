using System.Globalization;
using System.Text;
using FuncSync.App.Tests.Channels;
using FuncSync.App.Tests.Infrastructure;
using FuncSync.Domain;
using FuncSync.Simulators.Etsy;

namespace FuncSync.App.Tests.Etsy;

/// <summary>Etsy for the channel contract suite: the simulator's offerings, and an ORDER_PAID delivery signed with
/// Standard Webhooks for a receipt the simulator holds.</summary>
internal sealed class EtsyChannelContract : ChannelContract
{
    public override Channel Channel => Channel.Etsy;

    public override IReadOnlyDictionary<string, string?> Settings => EtsyTestSettings.ManualPolling;

    public override int Shown(FuncSyncTestApp app, TestItem item) => app.Etsy.GetQuantity(item.EtsyListingId, item.Sku);

    public override Task ChangeOnChannelAsync(FuncSyncTestApp app, TestItem item, int quantity) =>
        throw new NotSupportedException("Etsy offers no compare-and-set, so the suite never needs a change behind its back.");

    public override Func<bool, HttpRequestMessage> PrepareOrder(FuncSyncTestApp app, TestItem item, int quantity)
    {
        var receipt = app.Etsy.PlaceOrder(item.EtsyListingId, item.Sku, quantity) ?? throw new InvalidOperationException("The simulator refused the order.");
        var body = Encoding.UTF8.GetBytes(string.Create(
            CultureInfo.InvariantCulture,
            $$"""{"event_type":"order.paid","resource_url":"{{app.Etsy.BaseUrl}}v3/application/shops/{{app.Etsy.Options.ShopId}}/receipts/{{receipt.ReceiptId}}","shop_id":{{app.Etsy.Options.ShopId}}}"""));
        var webhookId = "msg_" + Guid.NewGuid().ToString("N");
        return validSignature =>
        {
            var timestamp = TimeProvider.System.GetUtcNow().ToUnixTimeSeconds();
            var secret = validSignature ? app.Etsy.Options.WebhookSecret : "whsec_" + Convert.ToBase64String(new byte[32]);
            var request = new HttpRequestMessage(HttpMethod.Post, "api/webhooks/etsy") { Content = new ByteArrayContent(body) };
            request.Headers.Add("webhook-id", webhookId);
            request.Headers.Add("webhook-timestamp", timestamp.ToString(CultureInfo.InvariantCulture));
            request.Headers.Add("webhook-signature", EtsyWebhookSigner.Sign(secret, webhookId, timestamp, body));
            return request;
        };
    }
}
