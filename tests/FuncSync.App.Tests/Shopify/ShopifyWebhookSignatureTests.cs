using System.Text;
using FuncSync.Shopify;

namespace FuncSync.App.Tests.Shopify;

public sealed class ShopifyWebhookSignatureTests
{
    // Computed independently: printf '{"id":1,"line_items":[]}' | openssl dgst -sha256 -hmac 'shopify-secret' -binary | base64
    private const string Secret = "shopify-secret";
    private const string Body = """{"id":1,"line_items":[]}""";
    private const string Expected = "lGSwsDO1FQE4j8cgIES+IzGmrS2NzXRC/1TXOn92MgU=";

    [Fact]
    public void Compute_KnownVector_MatchesOpenSsl()
    {
        Assert.Equal(Expected, ShopifyWebhookSignature.Compute(Secret, Encoding.UTF8.GetBytes(Body)));
    }

    [Fact]
    public void IsValid_KnownVector_True()
    {
        Assert.True(ShopifyWebhookSignature.IsValid(Secret, Encoding.UTF8.GetBytes(Body), Expected));
    }

    [Fact]
    public void IsValid_BodyChangedByOneByte_False()
    {
        Assert.False(ShopifyWebhookSignature.IsValid(Secret, Encoding.UTF8.GetBytes(Body.Replace('1', '2')), Expected));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not base64 at all!")]
    [InlineData("AAAA")]
    public void IsValid_MissingOrMalformedHeader_False(string? header)
    {
        Assert.False(ShopifyWebhookSignature.IsValid(Secret, Encoding.UTF8.GetBytes(Body), header));
    }

    [Fact]
    public void IsValid_EmptySecret_FalseEvenForMatchingSignature()
    {
        var bytes = Encoding.UTF8.GetBytes(Body);

        Assert.False(ShopifyWebhookSignature.IsValid(string.Empty, bytes, ShopifyWebhookSignature.Compute(string.Empty, bytes)));
    }
}
