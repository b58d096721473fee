using System.Globalization;
using System.Net;
using System.Text;
using FuncSync.App.Tests.Infrastructure;
using FuncSync.Simulators.Etsy;
using FuncSync.Testing;

namespace FuncSync.App.Tests.Channels;

/// <summary>The one webhook door, <c>/api/webhooks/{channel}</c>: only an enabled channel with a webhook answers.</summary>
[Collection(AzuriteTests.Name)]
public sealed class ChannelWebhookRouteTests(AzuriteFixture azurite)
{
    [Theory]
    [InlineData("amazon")]
    [InlineData("0")]
    [InlineData("Shopify,Etsy")]
    public async Task Post_ChannelFuncSyncDoesNotServe_404AndNothingQueued(string channel)
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);

        using var response = await app.Http.PostAsync($"api/webhooks/{Uri.EscapeDataString(channel)}", new StringContent("{}", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.False(await HasMessageAsync(app), "an unknown channel's delivery reached the inbox");
    }

    [Fact]
    public async Task Post_SignedDeliveryForChannelTurnedOff_404AndNothingQueued()
    {
        var settings = new Dictionary<string, string?> { ["Etsy:Enabled"] = "false", ["Etsy:WebhookSecret"] = new EtsySimulatorOptions().WebhookSecret };
        await using var app = await FuncSyncTestApp.StartAsync(azurite, settings);
        var body = Encoding.UTF8.GetBytes(string.Create(
            CultureInfo.InvariantCulture,
            $$"""{"event_type":"order.paid","resource_url":"{{app.Etsy.BaseUrl}}v3/application/shops/{{app.Etsy.Options.ShopId}}/receipts/1","shop_id":{{app.Etsy.Options.ShopId}}}"""));
        var timestamp = TimeProvider.System.GetUtcNow().ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/webhooks/etsy") { Content = new ByteArrayContent(body) };
        request.Headers.Add("webhook-id", "msg_off");
        request.Headers.Add("webhook-timestamp", timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add("webhook-signature", EtsyWebhookSigner.Sign(settings["Etsy:WebhookSecret"]!, "msg_off", timestamp, body));

        using var response = await app.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.False(await HasMessageAsync(app), "a turned-off channel's delivery reached the inbox");
    }

    private static async Task<bool> HasMessageAsync(FuncSyncTestApp app)
    {
        var queue = app.Storage.Queue(app.Names.ChannelWebhooksQueue);
        return await queue.ExistsAsync() && (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount > 0;
    }
}
