using System.Text;
using FuncSync.Shopify;

namespace FuncSync.App.Tests.Infrastructure;

/// <summary>A webhook signed with the simulator's secret, written by the test rather than by the simulator: for
/// payloads Shopify could send but the simulator never makes on its own.</summary>
internal static class ShopifyWebhookCalls
{
    public static Task<HttpResponseMessage> PostShopifyWebhookAsync(this FuncSyncTestApp app, string topic, string body, string? eventId = null)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var request = new HttpRequestMessage(HttpMethod.Post, "api/webhooks/shopify") { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.Add("X-Shopify-Hmac-Sha256", ShopifyWebhookSignature.Compute(app.Shopify.Options.WebhookSecret, bytes));
        request.Headers.Add("X-Shopify-Topic", topic);
        request.Headers.Add("X-Shopify-Shop-Domain", app.Shopify.Options.ShopDomain);
        request.Headers.Add("X-Shopify-Webhook-Id", Guid.NewGuid().ToString());
        request.Headers.Add("X-Shopify-Event-Id", eventId ?? Guid.NewGuid().ToString());
        return app.Http.SendAsync(request);
    }
}
