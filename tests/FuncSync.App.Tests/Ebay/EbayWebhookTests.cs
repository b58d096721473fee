using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using FuncSync.App.Tests.Infrastructure;
using FuncSync.Ebay;
using FuncSync.Simulators.Ebay;
using FuncSync.Testing;

namespace FuncSync.App.Tests.Ebay;

/// <summary>eBay's notification door: the endpoint challenge, the ECDSA signature against the key eBay serves for its
/// kid (eBay SDK test vectors included), and nothing stored for a delivery that does not verify.</summary>
[Collection(AzuriteTests.Name)]
public sealed class EbayWebhookTests(AzuriteFixture azurite)
{
    // eBay's event-notification-nodejs-sdk, test/test.json "VALID": a MARKETPLACE_ACCOUNT_DELETION message (the body is
    // the SDK's JSON.stringify of it), its signature header and the key served for its kid.
    private const string SdkBody = "{\"metadata\":{\"topic\":\"MARKETPLACE_ACCOUNT_DELETION\",\"schemaVersion\":\"1.0\",\"deprecated\":false},\"notification\":{\"notificationId\":\"49feeaeb-4982-42d9-a377-9645b8479411_33f7e043-fed8-442b-9d44-791923bd9a6d\",\"eventDate\":\"2021-03-19T20:43:59.462Z\",\"publishDate\":\"2021-03-19T20:43:59.679Z\",\"publishAttemptCount\":1,\"data\":{\"username\":\"test_user\",\"userId\":\"ma8vp1jySJC\",\"eiasToken\":\"nY+sHZ2PrBmdj6wVnY+sEZ2PrA2dj6wJnY+gAZGEpwmdj6x9nY+seQ==\"}}}";
    private const string SdkSignature = "eyJhbGciOiJlY2RzYSIsImtpZCI6Ijk5MzYyNjFhLTdkN2ItNDYyMS1hMGYxLTk2Y2NiNDI4YWY0OSIsInNpZ25hdHVyZSI6Ik1FWUNJUUNmeGZJV3V4bVdjSUJRSjljNS9YN2lHREpxczJSQ0dzQkVhQWppbnlycmZBSWhBSVY2d0djVGlCdVY1S0pVaWYyaG9reXJMK1E5c3NIa2FkK214Mm5FRTI1dyIsImRpZ2VzdCI6IlNIQTEifQ==";
    private const string SdkMismatchSignature = "eyJhbGciOiJlY2RzYSIsImtpZCI6Ijk5MzYyNjFhLTdkN2ItNDYyMS1hMGYxLTk2Y2NiNDI4YWY0OSIsInNpZ25hdHVyZSI6Ik1FVUNJUUNHY1NubUFrVGZyK1paMlZnMGJXRW9zOGEvdGVCcWk3UGU2OCtoR21MTUNRSWdlRnZrcnRvKzhkczhSVndJM0dnbjFtTUdDck5NRVpKM1NSbE8yZngveHFJPSIsImRpZ2VzdCI6IlNIQTEifQ==";
    private const string SdkKey = "-----BEGIN PUBLIC KEY-----MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEZhhxXKtR+TOvtDbgTPCkSof02qgBB7IsYOyf76ilExJ/upAa/vKIKheOoCyOpcLmi4t0b4uepb7LLjmMr90FUg==-----END PUBLIC KEY-----";

    [Fact]
    public void Verify_EbaySdkValidVector_Verifies()
    {
        var key = EbayPublicKey.From(new JsonObject { ["key"] = SdkKey, ["algorithm"] = "ECDSA", ["digest"] = "SHA1" })!;
        var header = EbayNotificationSignature.Parse(SdkSignature)!;

        Assert.Equal("9936261a-7d7b-4621-a0f1-96ccb428af49", header.Kid);
        Assert.True(EbayNotificationSignature.Verify(Encoding.UTF8.GetBytes(SdkBody), header, key));
        Assert.False(EbayNotificationSignature.Verify(Encoding.UTF8.GetBytes(SdkBody.Replace("test_user", "test_usor", StringComparison.Ordinal)), header, key));
    }

    [Fact]
    public void Verify_EbaySdkSignatureMismatchVector_Refused()
    {
        var key = EbayPublicKey.From(new JsonObject { ["key"] = SdkKey, ["algorithm"] = "ECDSA", ["digest"] = "SHA1" })!;

        Assert.False(EbayNotificationSignature.Verify(Encoding.UTF8.GetBytes(SdkBody), EbayNotificationSignature.Parse(SdkMismatchSignature)!, key));
    }

    [Fact]
    public void Verify_HeaderAsksForADigestTheKeyIsNotPublishedWith_Refused()
    {
        var key = EbayPublicKey.From(new JsonObject { ["key"] = SdkKey, ["algorithm"] = "ECDSA", ["digest"] = "SHA256" })!;

        Assert.False(EbayNotificationSignature.Verify(Encoding.UTF8.GetBytes(SdkBody), EbayNotificationSignature.Parse(SdkSignature)!, key));
    }

    [Fact]
    public void ChallengeResponse_IndependentlyComputedVector()
    {
        // The eBay Node SDK test's inputs (challenge code and verification token alike); the expected hex computed
        // separately with sha256sum over code + token + endpoint.
        const string Code = "71745723-d031-455c-bfa5-f90d11b4f20a";

        Assert.Equal(
            "048de9ffd0e35021fefc0388d5c52e0f475324f582f3778ca81a53354ccbbc97",
            EbayNotificationSignature.ChallengeResponse(Code, Code, "http://www.testendpoint.com/webhook"));
    }

    [Fact]
    public async Task Challenge_GetWithChallengeCode_AnsweredForTheRegisteredUrlAndEbayValidates()
    {
        await using var app = await EbayTestApp.StartAsync(azurite);

        var answer = await app.App.Http.GetFromJsonAsync<JsonNode>(new Uri("api/webhooks/ebay?challenge_code=abc123", UriKind.Relative));

        // The URL hashed is the registered one, not the loopback address the request came to.
        Assert.Equal(
            EbaySimulator.ChallengeResponse("abc123", app.Ebay.Options.VerificationToken, FuncSyncTestApp.EbayNotificationUrl.OriginalString),
            (string?)answer!["challengeResponse"]);
        Assert.True(await app.Ebay.ValidateEndpointAsync());
    }

    [Fact]
    public async Task Notification_ForgedSignature_401AndNothingStored()
    {
        await using var app = await EbayTestApp.StartAsync(azurite);
        var item = await app.LoadAsync("EBAY-FORGED-01", 10, 411);
        var order = app.Ebay.CreateOrder([(item.EbaySku, 1)]);
        var body = app.Ebay.NotificationBody(order.OrderId, order.LineItemIds[0]);

        foreach (var header in new[] { app.Ebay.SignatureHeader(body, forge: true), "not-base64!", Convert.ToBase64String(Encoding.UTF8.GetBytes("{\"alg\":\"ecdsa\",\"kid\":\"unknown-kid\",\"signature\":\"MEUCIQ==\",\"digest\":\"SHA256\"}")) })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "api/webhooks/ebay") { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new("application/json");
            request.Headers.Add(EbayNotificationSignature.Header, header);
            using var response = await app.App.Http.SendAsync(request);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        Assert.Equal(0, (await app.App.Storage.Queue(app.App.Names.ChannelWebhooksQueue).GetPropertiesAsync()).Value.ApproximateMessagesCount);
        await app.SettledAsync();
        Assert.Equal(10, await app.App.AvailableAsync(item.Sku));
    }
}
