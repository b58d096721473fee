using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using FuncSync.Simulators.WooCommerce;
using Microsoft.Extensions.Time.Testing;

namespace FuncSync.Simulators.Tests.WooCommerce;

/// <summary>The website's webhooks as <c>GET webhooks</c> shows them: one per topic, each disabled by its own failures
/// (the 7th in a row, as <c>WC_Webhook::failed_delivery</c> counts), paused by the seller, re-activated in wp-admin.</summary>
public sealed class WooCommerceWebhookListTests : IAsyncLifetime, IDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 5, 1, 12, 0, 0, TimeSpan.Zero));
    private WooCommerceSimulator _woo = null!;
    private WebhookReceiver _receiver = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _woo = await WooCommerceSimulator.StartAsync(new WooCommerceSimulatorOptions(), _time);
        _receiver = await WebhookReceiver.StartAsync();
        _woo.Options.DeliveryUrl = _receiver.Url;
        _http = new HttpClient { BaseAddress = _woo.BaseUrl };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(_woo.Options.ConsumerKey + ":" + _woo.Options.ConsumerSecret)));
    }

    public void Dispose() => _http.Dispose();

    public async Task DisposeAsync()
    {
        await _woo.DisposeAsync();
        await _receiver.DisposeAsync();
    }

    [Fact]
    public async Task ListWebhooks_OnePerTopic_ActiveWithTheDeliveryUrl()
    {
        var webhooks = await ListAsync("webhooks");

        Assert.Equal([WooCommerceSimulator.OrderCreated, WooCommerceSimulator.OrderUpdated, WooCommerceSimulator.ProductUpdated], webhooks.Select(w => (string)w!["topic"]!).Order());
        Assert.All(webhooks, w => Assert.Equal("active", (string?)w!["status"]));
        Assert.All(webhooks, w => Assert.Equal(_receiver.Url.ToString(), (string?)w!["delivery_url"]));
        Assert.Equal("order", (string?)webhooks.Single(w => (string?)w!["topic"] == WooCommerceSimulator.OrderCreated)!["resource"]);
    }

    [Fact]
    public async Task FailedDeliveries_SeventhInARowDisablesTheTopicsWebhook_OthersStayActive()
    {
        var product = _woo.AddProduct("WEBHOOK-01", 20);
        _receiver.StatusCode = 500;

        for (var i = 0; i < 6; i++)
        {
            await _woo.CheckoutAsync([(product, 1)]);
        }

        Assert.Equal("active", _woo.WebhookStatus(WooCommerceSimulator.OrderCreated));
        Assert.Equal(6, _woo.FailureCount(WooCommerceSimulator.OrderCreated));
        await _woo.CheckoutAsync([(product, 1)]);

        var disabled = await ListAsync("webhooks?status=disabled");
        Assert.Equal([WooCommerceSimulator.OrderCreated, WooCommerceSimulator.ProductUpdated], disabled.Select(w => (string)w!["topic"]!).Order());
        Assert.Equal("active", (string?)(await GetAsync("webhooks/8"))["status"]);
        var delivered = _receiver.Received.Count;
        await _woo.CheckoutAsync([(product, 1)]);
        Assert.Equal(delivered, _receiver.Received.Count);
    }

    [Fact]
    public async Task PausedAndReactivated_ShowInTheList()
    {
        _woo.SetWebhookStatus(WooCommerceSimulator.OrderUpdated, WooCommerceSimulator.WebhookPaused);
        Assert.Equal(WooCommerceSimulator.OrderUpdated, (string?)Assert.Single(await ListAsync("webhooks?status=paused"))!["topic"]);

        _woo.ReactivateWebhooks();

        Assert.Empty(await ListAsync("webhooks?status=paused"));
        Assert.Equal(3, (await ListAsync("webhooks?status=active")).Count);
    }

    [Fact]
    public async Task ListWebhooks_BadStatusOrNoCredentials_RefusedInWooCommercesShape()
    {
        using var bad = await _http.GetAsync(new Uri("wp-json/wc/v3/webhooks?status=broken", UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("rest_invalid_param", (string?)JsonNode.Parse(await bad.Content.ReadAsStringAsync())!["code"]);

        using var anonymous = new HttpClient { BaseAddress = _woo.BaseUrl };
        using var refused = await anonymous.GetAsync(new Uri("wp-json/wc/v3/webhooks", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);

        using var missing = await _http.GetAsync(new Uri("wp-json/wc/v3/webhooks/4242", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("woocommerce_rest_webhook_invalid_id", (string?)JsonNode.Parse(await missing.Content.ReadAsStringAsync())!["code"]);
    }

    private async Task<JsonArray> ListAsync(string path) => (JsonArray)await GetAsync(path);

    private async Task<JsonNode> GetAsync(string path)
    {
        using var response = await _http.GetAsync(new Uri("wp-json/wc/v3/" + path, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }
}
