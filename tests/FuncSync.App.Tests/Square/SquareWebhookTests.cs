using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using FuncSync.Channels.Webhooks;
using FuncSync.Domain;
using FuncSync.Simulators.Square;
using FuncSync.Square;
using FuncSync.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace FuncSync.App.Tests.Square;

/// <summary>Square's webhook at the door (signature, merchant, topics, drafts, bodies) and behind it (a repeated event
/// applied once), against the real app and ledger.</summary>
[Collection(AzuriteTests.Name)]
public sealed class SquareWebhookTests(AzuriteFixture azurite)
{
    // From Square's .NET SDK tests (WebhooksHelperTest): a test notification Square sent to webhook.site.
    private const string SdkUrl = "https://webhook.site/679a4f3a-dcfa-49ee-bac5-9d0edad886b9";
    private const string SdkKey = "Ibxx_5AKakO-3qeNVR61Dw";
    private const string SdkBody = "{\"merchant_id\":\"MLEFBHHSJGVHD\",\"type\":\"webhooks.test_notification\",\"event_id\":\"ac3ac95b-f97d-458c-a6e6-18981597e05f\",\"created_at\":\"2022-07-13T20:30:59.037339943Z\",\"data\":{\"type\":\"webhooks\",\"id\":\"bc368e64-01aa-407e-b46e-3231809b1129\"}}";
    private const string SdkSignature = "GF4YkrJgGBDZ9NIYbNXBnMzqb2HoL4RW/S6vkZ9/2N4=";

    [Theory]
    [InlineData(SdkKey, SdkUrl, SdkBody, SdkSignature, true)]
    [InlineData("signature-key", "https://webhook.site/webhooks", "{\"data\":{\"type\":\"webhooks\",\"id\":\">id<\"}}", "Cxt7+aTi4rKgcA0bC4g9EHdVtLSDWdqccmL5MvihU4U=", true)]
    [InlineData(SdkKey, "https://webhook.site/79a4f3a-dcfa-49ee-bac5-9d0edad886b9", SdkBody, SdkSignature, false)]
    [InlineData("MCmhFRxGX82xMwg5FsaoQA", SdkUrl, SdkBody, SdkSignature, false)]
    [InlineData(SdkKey, SdkUrl, SdkBody, "1z2n3DEJJiUPKcPzQo1ftvbxGdw=", false)]
    [InlineData(SdkKey, SdkUrl, SdkBody, "", false)]
    [InlineData(SdkKey, SdkUrl, "", SdkSignature, false)]
    [InlineData(SdkKey, SdkUrl, "{\"merchant_id\":\"MLEFBHHSJGVHD\",\"type\":\"webhooks.test_notification\",\"event_id\":\"ac3ac95b-f97d-458c-a6e6-18981597e05f\",\"created_at\":\"2022-06-13T20:30:59.037339943Z\",\"data\":{\"type\":\"webhooks\",\"id\":\"bc368e64-01aa-407e-b46e-3231809b1129\"}}", SdkSignature, false)]
    public void IsValid_SquareSdkTestVectors(string key, string url, string body, string signature, bool valid) =>
        Assert.Equal(valid, SquareWebhookSignature.IsValid(key, url, Encoding.UTF8.GetBytes(body), signature));

    [Fact]
    public void IsValid_FormattedBody_False()
    {
        var formatted = JsonNode.Parse(SdkBody)!.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true });

        Assert.False(SquareWebhookSignature.IsValid(SdkKey, SdkUrl, Encoding.UTF8.GetBytes(formatted), SdkSignature));
    }

    [Fact]
    public async Task Verify_BadSignatureOrOtherUrl_401()
    {
        await using var app = await SquareTestApp.StartAsync(azurite, TimeSpan.Zero);
        var webhook = Webhook(app);
        var body = Notification("inventory.count.updated", "evt-1", app.Square.Options.MerchantId);
        var url = app.Square.Options.NotificationUrl!.OriginalString;

        var forged = await webhook.VerifyAsync(Delivery(body, SquareSimulator.Sign("not-the-key", url, body)), CancellationToken.None);
        // Signed for the address the request came in on, not the one registered: what rebuilding the URL would accept.
        var requestUrl = new Uri(app.App.BaseUrl, "api/webhooks/square").OriginalString;
        var rebuiltUrl = await webhook.VerifyAsync(Delivery(body, SquareSimulator.Sign(app.Square.Options.SignatureKey, requestUrl, body)), CancellationToken.None);
        var unsigned = await webhook.VerifyAsync(Delivery(body, null), CancellationToken.None);

        Assert.All([forged, rebuiltUrl, unsigned], v => Assert.Equal(401, Assert.IsType<WebhookVerdict.Rejected>(v).Status));
        Assert.All([forged, rebuiltUrl, unsigned], v => Assert.False(((WebhookVerdict.Rejected)v).KeepBody));
    }

    [Fact]
    public async Task Verify_OtherMerchantUnknownTopicDraftAndBadBody()
    {
        await using var app = await SquareTestApp.StartAsync(azurite, TimeSpan.Zero);
        var webhook = Webhook(app);
        async Task<WebhookVerdict> VerifyAsync(byte[] body) =>
            await webhook.VerifyAsync(Delivery(body, SquareSimulator.Sign(app.Square.Options.SignatureKey, app.Square.Options.NotificationUrl!.OriginalString, body)), CancellationToken.None);
        var draft = Body(new JsonObject { ["merchant_id"] = app.Square.Options.MerchantId, ["type"] = "order.created", ["event_id"] = "evt-3", ["created_at"] = "2026-05-01T12:00:00Z", ["data"] = new JsonObject { ["type"] = "order", ["id"] = "O1", ["object"] = new JsonObject { ["order_created"] = new JsonObject { ["order_id"] = "O1", ["state"] = "DRAFT", ["location_id"] = "L", ["version"] = 1 } } } });
        var noCounts = Body(new JsonObject { ["merchant_id"] = app.Square.Options.MerchantId, ["type"] = "inventory.count.updated", ["event_id"] = "evt-4", ["data"] = new JsonObject { ["object"] = new JsonObject() } });

        Assert.Equal(401, Assert.IsType<WebhookVerdict.Rejected>(await VerifyAsync(Notification("inventory.count.updated", "evt-2", "MLOTHER"))).Status);
        Assert.IsType<WebhookVerdict.Ignored>(await VerifyAsync(Notification("payment.created", "evt-5", app.Square.Options.MerchantId)));
        Assert.IsType<WebhookVerdict.Ignored>(await VerifyAsync(draft));
        var unreadable = Assert.IsType<WebhookVerdict.Rejected>(await VerifyAsync(noCounts));
        Assert.Equal(400, unreadable.Status);
        Assert.True(unreadable.KeepBody);
        Assert.Equal("evt-4", unreadable.DeliveryId);
        var accepted = Assert.IsType<WebhookVerdict.Accepted>(await VerifyAsync(Notification("inventory.count.updated", "evt-6", app.Square.Options.MerchantId)));
        Assert.Equal(("inventory.count.updated", "evt-6"), (accepted.Topic, accepted.EventId));
    }

    [Fact]
    public async Task Route_SameOrderNotificationTwice_AppliedOnce_BadSignature401()
    {
        await using var app = await SquareTestApp.StartAsync(azurite, TimeSpan.FromSeconds(3));
        var mapping = await app.LoadAsync("REPEAT-01", 5, 320);
        var orderId = app.Square.CreateOnlineOrder([(mapping.Square!.VariationId, 1)], SquareTestApp.Stall);
        var body = Body(new JsonObject
        {
            ["merchant_id"] = app.Square.Options.MerchantId,
            ["type"] = "order.created",
            ["event_id"] = "evt-repeat",
            ["created_at"] = "2026-05-01T12:00:00Z",
            ["data"] = new JsonObject { ["type"] = "order", ["id"] = orderId, ["object"] = new JsonObject { ["order_created"] = new JsonObject { ["order_id"] = orderId, ["state"] = "OPEN", ["location_id"] = SquareTestApp.Stall, ["version"] = 1 } } },
        });
        async Task<HttpStatusCode> PostAsync(string key)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "api/webhooks/square") { Content = new ByteArrayContent(body) };
            request.Headers.Add(SquareWebhookSignature.Header, SquareSimulator.Sign(key, app.Square.Options.NotificationUrl!.OriginalString, body));
            using var response = await app.App.Http.SendAsync(request);
            return response.StatusCode;
        }

        Assert.Equal(HttpStatusCode.Unauthorized, await PostAsync("not-the-key"));
        await app.SettledAsync();
        Assert.Equal(5, await app.App.AvailableAsync(mapping.Sku));

        // Square redelivers when it did not see the 2xx in time: the order's own ids make it count once.
        Assert.Equal(HttpStatusCode.OK, await PostAsync(app.Square.Options.SignatureKey));
        Assert.Equal(HttpStatusCode.OK, await PostAsync(app.Square.Options.SignatureKey));
        await app.WaitUntilEverywhereAsync(mapping, 4, "the order is applied");
        await app.SettledAsync();

        Assert.Equal(4, await app.App.AvailableAsync(mapping.Sku));
    }

    private static IChannelWebhook Webhook(SquareTestApp app) => app.App.App.Services.GetRequiredKeyedService<IChannelWebhook>(Channel.Square);

    private static WebhookDelivery Delivery(byte[] body, string? signature) => new(
        "POST",
        WebhookDelivery.Map(signature is null ? [] : [KeyValuePair.Create(SquareWebhookSignature.Header, signature)]),
        WebhookDelivery.Map([]),
        body,
        TimeProvider.System.GetUtcNow());

    private static byte[] Notification(string topic, string eventId, string merchant) => Body(new JsonObject
    {
        ["merchant_id"] = merchant,
        ["type"] = topic,
        ["event_id"] = eventId,
        ["created_at"] = "2026-05-01T12:00:00Z",
        ["data"] = new JsonObject
        {
            ["type"] = "inventory_counts",
            ["id"] = "x",
            ["object"] = new JsonObject
            {
                ["inventory_counts"] = new JsonArray(new JsonObject
                {
                    ["catalog_object_id"] = "V",
                    ["catalog_object_type"] = "ITEM_VARIATION",
                    ["state"] = "IN_STOCK",
                    ["location_id"] = "L",
                    ["quantity"] = "1",
                    ["calculated_at"] = "2026-05-01T12:00:00Z",
                }),
            },
        },
    });

    private static byte[] Body(JsonObject payload) => Encoding.UTF8.GetBytes(payload.ToJsonString());
}
