using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Amazon.Runtime;
using Amazon.SQS;
using Amazon.SQS.Model;
using FuncSync.Simulators.Amazon;
using Microsoft.Extensions.Time.Testing;

namespace FuncSync.Simulators.Tests.Amazon;

/// <summary>The Amazon simulator speaks the Selling Partner API's paths, shapes, limits and timing, and its queue is one
/// the AWS SDK for .NET receives from and deletes on.</summary>
public sealed class AmazonSimulatorTests : IAsyncLifetime, IDisposable
{
    private const string Sku = "MUG-BLUE-01";
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 5, 1, 12, 0, 0, TimeSpan.Zero));
    private AmazonSimulator _amazon = null!;
    private HttpClient _http = null!;

    private string ItemPath => $"listings/2021-08-01/items/{_amazon.Options.SellerId}/{Sku}?marketplaceIds={_amazon.Options.MarketplaceId}&includedData=attributes,fulfillmentAvailability,issues";

    public async Task InitializeAsync()
    {
        _amazon = await AmazonSimulator.StartAsync(new AmazonSimulatorOptions(), _time);
        _amazon.AddListing(Sku, 10, leadTimeToShipMaxDays: 3, fbaQuantity: 40);
        _http = new HttpClient { BaseAddress = _amazon.BaseUrl };
    }

    public void Dispose() => _http.Dispose();

    public async Task DisposeAsync() => await _amazon.DisposeAsync();

    [Fact]
    public async Task Token_RefreshTokenGrant_AccessTokenThatExpires()
    {
        var token = await TokenAsync();
        using (var ok = await GetAsync(ItemPath, token))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        _time.Advance(TimeSpan.FromHours(1));
        using var expired = await GetAsync(ItemPath, token);
        Assert.Equal(HttpStatusCode.Forbidden, expired.StatusCode);
        Assert.Equal("Unauthorized", (string?)(await expired.Content.ReadFromJsonAsync<JsonNode>())!["errors"]![0]!["code"]);
    }

    [Fact]
    public async Task Token_WrongRefreshToken_InvalidGrant()
    {
        using var response = await _http.PostAsync("auth/o2/token", Form("Atzr|not-it"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_grant", (string?)(await response.Content.ReadFromJsonAsync<JsonNode>())!["error"]);
    }

    [Fact]
    public async Task Patch_Merge_AcceptedThenAppliedAfterTheDelayKeepingLeadTime()
    {
        var token = await TokenAsync();
        using var patch = await PatchAsync(token, "merge", new JsonObject { ["fulfillment_channel_code"] = "DEFAULT", ["quantity"] = 4 });
        var answer = await patch.Content.ReadFromJsonAsync<JsonNode>();
        Assert.Equal("ACCEPTED", (string?)answer!["status"]);
        Assert.False(string.IsNullOrEmpty((string?)answer["submissionId"]));
        Assert.Equal(10, await ShownAsync(token));

        _time.Advance(_amazon.Options.PatchDelay);

        Assert.Equal(4, await ShownAsync(token));
        var entry = _amazon.GetAvailability(Sku).Single(a => a.ChannelCode == "DEFAULT");
        Assert.Equal(3, entry.LeadTimeToShipMaxDays);
        Assert.Equal(40, _amazon.GetAvailability(Sku).Single(a => a.ChannelCode == "AMAZON_NA").Quantity);
    }

    [Fact]
    public async Task Patch_Replace_DropsLeadTimeAndTheFbaEntry()
    {
        var token = await TokenAsync();
        using var _ = await PatchAsync(token, "replace", new JsonObject { ["fulfillment_channel_code"] = "DEFAULT", ["quantity"] = 6 });
        _time.Advance(_amazon.Options.PatchDelay);

        var entry = Assert.Single(_amazon.GetAvailability(Sku));
        Assert.Equal(6, entry.Quantity);
        Assert.Null(entry.LeadTimeToShipMaxDays);
    }

    [Fact]
    public async Task Patch_MergeWithoutChannelCode_Invalid()
    {
        var token = await TokenAsync();
        using var patch = await PatchAsync(token, "merge", new JsonObject { ["quantity"] = 6 });

        Assert.Equal("INVALID", (string?)(await patch.Content.ReadFromJsonAsync<JsonNode>())!["status"]);
        _time.Advance(_amazon.Options.PatchDelay);
        Assert.Equal(10, _amazon.GetQuantity(Sku));
    }

    [Fact]
    public async Task GetOrders_BurstSpent_429WithRateLimitHeaderThenRefills()
    {
        var token = await TokenAsync();
        var path = $"orders/v0/orders?MarketplaceIds={_amazon.Options.MarketplaceId}&LastUpdatedAfter=2026-05-01T00:00:00Z";
        for (var i = 0; i < 20; i++)
        {
            using var ok = await GetAsync(path, token);
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            Assert.Equal("0.0167", ok.Headers.GetValues(AmazonSimulator.RateLimitHeader).Single());
        }

        using (var throttled = await GetAsync(path, token))
        {
            Assert.Equal((HttpStatusCode)429, throttled.StatusCode);
            Assert.Equal("0.0167", throttled.Headers.GetValues(AmazonSimulator.RateLimitHeader).Single());
            Assert.Equal("QuotaExceeded", (string?)(await throttled.Content.ReadFromJsonAsync<JsonNode>())!["errors"]![0]!["code"]);
        }

        _time.Advance(TimeSpan.FromSeconds(60));
        using var again = await GetAsync(path, token);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
    }

    [Fact]
    public async Task Orders_VisibleOnlyAfterTheDelay_WithItemsAndCancellation()
    {
        var token = await TokenAsync();
        var orderId = _amazon.PlaceOrder([(Sku, 2)]);
        Assert.Equal(8, _amazon.GetQuantity(Sku));
        var path = $"orders/v0/orders?MarketplaceIds={_amazon.Options.MarketplaceId}&LastUpdatedAfter=2026-05-01T00:00:00Z";
        Assert.Empty((await JsonAsync(path, token))["payload"]!["Orders"]!.AsArray());

        _time.Advance(_amazon.Options.OrderVisibilityDelay);
        var order = (await JsonAsync(path, token))["payload"]!["Orders"]!.AsArray().Single()!;
        Assert.Equal(orderId, (string?)order["AmazonOrderId"]);
        Assert.Equal("MFN", (string?)order["FulfillmentChannel"]);
        var item = (await JsonAsync($"orders/v0/orders/{orderId}/orderItems", token))["payload"]!["OrderItems"]![0]!;
        Assert.Equal(Sku, (string?)item["SellerSKU"]);
        Assert.Equal(2, (int?)item["QuantityOrdered"]);

        _amazon.RequestCancellation(orderId);
        _amazon.CancelOrder(orderId);
        Assert.Equal(10, _amazon.GetQuantity(Sku));
        Assert.Equal("Unshipped", (string?)(await JsonAsync(path, token))["payload"]!["Orders"]![0]!["OrderStatus"]);
        _time.Advance(_amazon.Options.OrderVisibilityDelay);
        order = (await JsonAsync(path, token))["payload"]!["Orders"]![0]!;
        Assert.Equal("Canceled", (string?)order["OrderStatus"]);
        Assert.True((bool?)order["IsBuyerRequestedCancel"]);
    }

    [Fact]
    public async Task FbaOrder_TakesFbaStockNotTheMerchantsQuantity()
    {
        _amazon.PlaceOrder([(Sku, 5)], fulfillmentChannel: "AFN");

        Assert.Equal(10, _amazon.GetQuantity(Sku));
        Assert.Equal(35, _amazon.GetAvailability(Sku).Single(a => a.ChannelCode == "AMAZON_NA").Quantity);
        await Task.CompletedTask;
    }

    [Fact]
    public async Task Feed_PatchMessages_DoneAfterProcessingAndApplied()
    {
        _amazon.AddListing("MUG-RED-01", 10);
        var token = await TokenAsync();
        var document = await SendJsonAsync(HttpMethod.Post, "feeds/2021-06-30/documents", token, new JsonObject { ["contentType"] = "application/json; charset=UTF-8" });
        var feed = new JsonObject
        {
            ["header"] = new JsonObject { ["sellerId"] = _amazon.Options.SellerId, ["version"] = "2.0", ["issueLocale"] = "en_US" },
            ["messages"] = new JsonArray(
                Message(1, Sku, 1),
                Message(2, "MUG-RED-01", 2),
                Message(3, "NO-SUCH-SKU", 3)),
        };
        using (var upload = await _http.PutAsync(new Uri((string)document["url"]!), new StringContent(feed.ToJsonString(), Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.OK, upload.StatusCode);
        }

        var created = await SendJsonAsync(HttpMethod.Post, "feeds/2021-06-30/feeds", token, new JsonObject
        {
            ["feedType"] = "JSON_LISTINGS_FEED",
            ["marketplaceIds"] = new JsonArray(_amazon.Options.MarketplaceId),
            ["inputFeedDocumentId"] = (string?)document["feedDocumentId"],
        });
        var feedPath = "feeds/2021-06-30/feeds/" + (string?)created["feedId"];
        Assert.Equal("IN_QUEUE", (string?)(await JsonAsync(feedPath, token))["processingStatus"]);
        Assert.Equal(10, _amazon.GetQuantity(Sku));

        _time.Advance(_amazon.Options.FeedProcessingDelay);

        var done = await JsonAsync(feedPath, token);
        Assert.Equal("DONE", (string?)done["processingStatus"]);
        Assert.Equal(1, _amazon.GetQuantity(Sku));
        Assert.Equal(2, _amazon.GetQuantity("MUG-RED-01"));
        var result = await JsonAsync("feeds/2021-06-30/documents/" + (string?)done["resultFeedDocumentId"], token);
        var report = await _http.GetFromJsonAsync<JsonNode>(new Uri((string)result["url"]!));
        Assert.Equal(2, (int?)report!["summary"]!["messagesAccepted"]);
        Assert.Equal(1, (int?)report["summary"]!["messagesInvalid"]);
    }

    [Fact]
    public async Task Sqs_AwsSdk_ReceivesOrderChangeAndDeletes()
    {
        var orderId = _amazon.PlaceOrder([(Sku, 1)]);
        using var sqs = new AmazonSQSClient(
            new BasicAWSCredentials(_amazon.Options.AwsAccessKeyId, "simulator-secret"),
            new AmazonSQSConfig { ServiceURL = _amazon.BaseUrl.ToString(), AuthenticationRegion = "us-east-1" });
        var queueUrl = _amazon.QueueUrl.ToString();

        var received = await sqs.ReceiveMessageAsync(new ReceiveMessageRequest { QueueUrl = queueUrl, MaxNumberOfMessages = 10, WaitTimeSeconds = 0, VisibilityTimeout = 30 });

        var message = Assert.Single(received.Messages);
        var body = JsonNode.Parse(message.Body)!;
        Assert.Equal("ORDER_CHANGE", (string?)body["NotificationType"]);
        var change = body["Payload"]!["OrderChangeNotification"]!;
        Assert.Equal(orderId, (string?)change["AmazonOrderId"]);
        Assert.Equal(Sku, (string?)change["Summary"]!["OrderItems"]![0]!["SellerSKU"]);
        Assert.Empty((await sqs.ReceiveMessageAsync(new ReceiveMessageRequest { QueueUrl = queueUrl, WaitTimeSeconds = 0 })).Messages ?? []);

        // Not deleted: back after its visibility timeout.
        _time.Advance(TimeSpan.FromSeconds(30));
        var again = Assert.Single((await sqs.ReceiveMessageAsync(new ReceiveMessageRequest { QueueUrl = queueUrl, WaitTimeSeconds = 0 })).Messages);
        Assert.Equal(message.MessageId, again.MessageId);
        await Assert.ThrowsAsync<ReceiptHandleIsInvalidException>(() => sqs.DeleteMessageAsync(queueUrl, message.ReceiptHandle));

        await sqs.DeleteMessageAsync(queueUrl, again.ReceiptHandle);

        Assert.Equal(0, _amazon.QueueDepth);
        Assert.Equal(1, _amazon.Deleted);
    }

    private static JsonObject Message(int id, string sku, int quantity) => new()
    {
        ["messageId"] = id,
        ["sku"] = sku,
        ["operationType"] = "PATCH",
        ["productType"] = "PRODUCT",
        ["patches"] = new JsonArray(new JsonObject
        {
            ["op"] = "merge",
            ["path"] = "/attributes/fulfillment_availability",
            ["value"] = new JsonArray(new JsonObject { ["fulfillment_channel_code"] = "DEFAULT", ["quantity"] = quantity }),
        }),
    };

    private FormUrlEncodedContent Form(string refreshToken) => new(new Dictionary<string, string>
    {
        ["grant_type"] = "refresh_token",
        ["refresh_token"] = refreshToken,
        ["client_id"] = _amazon.Options.ClientId,
        ["client_secret"] = _amazon.Options.ClientSecret,
    });

    private async Task<string> TokenAsync()
    {
        using var response = await _http.PostAsync("auth/o2/token", Form(_amazon.Options.RefreshToken));
        response.EnsureSuccessStatusCode();
        return (string)(await response.Content.ReadFromJsonAsync<JsonNode>())!["access_token"]!;
    }

    private async Task<HttpResponseMessage> GetAsync(string path, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("x-amz-access-token", token);
        return await _http.SendAsync(request);
    }

    private async Task<JsonNode> JsonAsync(string path, string token)
    {
        using var response = await GetAsync(path, token);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonNode>())!;
    }

    private async Task<JsonNode> SendJsonAsync(HttpMethod method, string path, string token, JsonObject body)
    {
        using var request = new HttpRequestMessage(method, path) { Content = JsonContent.Create(body) };
        request.Headers.Add("x-amz-access-token", token);
        using var response = await _http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonNode>())!;
    }

    private async Task<HttpResponseMessage> PatchAsync(string token, string op, JsonObject value)
    {
        using var request = new HttpRequestMessage(HttpMethod.Patch, $"listings/2021-08-01/items/{_amazon.Options.SellerId}/{Sku}?marketplaceIds={_amazon.Options.MarketplaceId}")
        {
            Content = JsonContent.Create(new JsonObject
            {
                ["productType"] = "PRODUCT",
                ["patches"] = new JsonArray(new JsonObject { ["op"] = op, ["path"] = "/attributes/fulfillment_availability", ["value"] = new JsonArray(value) }),
            }),
        };
        request.Headers.Add("x-amz-access-token", token);
        return await _http.SendAsync(request);
    }

    private async Task<int> ShownAsync(string token)
    {
        var item = await JsonAsync(ItemPath, token);
        return (int)item["fulfillmentAvailability"]!.AsArray().Single(a => (string?)a!["fulfillmentChannelCode"] == "DEFAULT")!["quantity"]!;
    }
}
