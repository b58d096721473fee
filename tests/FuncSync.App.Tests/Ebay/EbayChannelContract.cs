using FuncSync.App.Tests.Channels;
using FuncSync.App.Tests.Infrastructure;
using FuncSync.Domain;
using FuncSync.Ebay;
using FuncSync.Simulators.Ebay;
using FuncSync.Testing;

namespace FuncSync.App.Tests.Ebay;

/// <summary>eBay for the channel contract suite: the item as a published offer on its own listing, and an
/// ORDER_CONFIRMATION signed like eBay's (or by another key under the same kid) for an order the simulator holds (the
/// handler reads its lines from the Fulfillment API).</summary>
internal sealed class EbayChannelContract : ChannelContract
{
    public override Channel Channel => Channel.Ebay;

    public override Task<FuncSyncTestApp> StartAppAsync(AzuriteFixture azurite) =>
        FuncSyncTestApp.StartAsync(azurite, Settings, ebayOptions: new EbaySimulatorOptions());

    public override TestItem Item(string sku, int quantity, int n) => new(sku, quantity, n) { OnEbay = true };

    public override int Shown(FuncSyncTestApp app, TestItem item) => app.Ebay!.GetShown(item.EbaySku);

    // eBay has no compare-and-set, so the suite never changes it behind FuncSync's back.
    public override Task ChangeOnChannelAsync(FuncSyncTestApp app, TestItem item, int quantity) =>
        throw new NotSupportedException("eBay offers no compare-and-set.");

    public override Func<bool, HttpRequestMessage> PrepareOrder(FuncSyncTestApp app, TestItem item, int quantity)
    {
        var ebay = app.Ebay!;
        var order = ebay.CreateOrder([(item.EbaySku, quantity)]);
        var body = ebay.NotificationBody(order.OrderId, order.LineItemIds[0]);
        return validSignature =>
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "api/webhooks/ebay") { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new("application/json");
            request.Headers.Add(EbayNotificationSignature.Header, ebay.SignatureHeader(body, forge: !validSignature));
            return request;
        };
    }
}
