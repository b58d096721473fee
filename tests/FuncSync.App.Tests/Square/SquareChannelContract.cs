using System.Text;
using System.Text.Json.Nodes;
using FuncSync.App.Tests.Channels;
using FuncSync.App.Tests.Infrastructure;
using FuncSync.Domain;
using FuncSync.Simulators.Square;
using FuncSync.Square;
using FuncSync.Testing;

namespace FuncSync.App.Tests.Square;

/// <summary>Square for the channel contract suite: the item's variation counted at the market stall, a count edited at
/// the register, and an <c>order.created</c> signed like Square's, for an order the simulator holds (the handler reads
/// its lines from the Orders API).</summary>
internal sealed class SquareChannelContract : ChannelContract
{
    public override Channel Channel => Channel.Square;

    public override Task<FuncSyncTestApp> StartAppAsync(AzuriteFixture azurite) =>
        FuncSyncTestApp.StartAsync(azurite, Settings, squareOptions: new SquareSimulatorOptions());

    public override TestItem Item(string sku, int quantity, int n) => new(sku, quantity, n) { OnSquare = true };

    public override int Shown(FuncSyncTestApp app, TestItem item) =>
        app.Square!.Options.LocationIds.Sum(l => app.Square.GetCount(item.SquareVariationId, l));

    public override Task ChangeOnChannelAsync(FuncSyncTestApp app, TestItem item, int quantity) =>
        app.Square!.CountAtRegisterAsync(item.SquareVariationId, app.Square.Options.LocationIds[^1], quantity);

    public override Func<bool, HttpRequestMessage> PrepareOrder(FuncSyncTestApp app, TestItem item, int quantity)
    {
        var square = app.Square!;
        var location = square.Options.LocationIds[^1];
        var orderId = square.CreateOnlineOrder([(item.SquareVariationId, quantity)], location);
        var body = Encoding.UTF8.GetBytes(new JsonObject
        {
            ["merchant_id"] = square.Options.MerchantId,
            ["type"] = "order.created",
            ["event_id"] = Guid.NewGuid().ToString(),
            ["created_at"] = TimeProvider.System.GetUtcNow().ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            ["data"] = new JsonObject
            {
                ["type"] = "order",
                ["id"] = orderId,
                ["object"] = new JsonObject { ["order_created"] = new JsonObject { ["order_id"] = orderId, ["version"] = 1, ["location_id"] = location, ["state"] = "OPEN" } },
            },
        }.ToJsonString());
        return validSignature =>
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "api/webhooks/square") { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new("application/json");
            request.Headers.Add(SquareWebhookSignature.Header, SquareSimulator.Sign(validSignature ? square.Options.SignatureKey : "not-the-key", square.Options.NotificationUrl!.OriginalString, body));
            return request;
        };
    }
}
