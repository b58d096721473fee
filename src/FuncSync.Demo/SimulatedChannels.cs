using System.Globalization;
using FuncSync.Simulators.Amazon;
using FuncSync.Simulators.Ebay;
using FuncSync.Simulators.Etsy;
using FuncSync.Simulators.Shopify;
using FuncSync.Simulators.Square;
using FuncSync.Simulators.WooCommerce;

namespace FuncSync.Demo;

/// <summary>The settings that point FuncSync's connectors at the simulators instead of the real
/// services: the demo, the tests and the benchmarks all connect this way.</summary>
public static class SimulatedChannels
{
    public static Dictionary<string, string?> Settings(ShopifySimulator shopify, EtsySimulator etsy, SquareSimulator square)
    {
        var settings = Settings(shopify, etsy);
        foreach (var (key, value) in Settings(square))
        {
            settings[key] = value;
        }

        return settings;
    }

    /// <summary>A Square seller: every location the simulator has, and its notification URL as registered.</summary>
    public static Dictionary<string, string?> Settings(SquareSimulator square)
    {
        ArgumentNullException.ThrowIfNull(square);
        return new()
        {
            ["Square:ApiBaseUrl"] = square.BaseUrl.ToString(),
            ["Square:AccessToken"] = square.Options.AccessToken,
            ["Square:LocationIds"] = string.Join(',', square.Options.LocationIds),
            ["Square:MerchantId"] = square.Options.MerchantId,
            ["Square:WebhookSignatureKey"] = square.Options.SignatureKey,
            ["Square:NotificationUrl"] = square.Options.NotificationUrl?.OriginalString,
        };
    }

    /// <summary>A WooCommerce website: its address, the REST key pair and the webhook's secret.</summary>
    public static Dictionary<string, string?> Settings(WooCommerceSimulator woo)
    {
        ArgumentNullException.ThrowIfNull(woo);
        return new()
        {
            ["WooCommerce:StoreUrl"] = woo.BaseUrl.ToString(),
            ["WooCommerce:ConsumerKey"] = woo.Options.ConsumerKey,
            ["WooCommerce:ConsumerSecret"] = woo.Options.ConsumerSecret,
            ["WooCommerce:WebhookSecret"] = woo.Options.WebhookSecret,
        };
    }

    /// <summary>An Amazon seller: the simulator serves LWA, the SP-API and the notifications queue.</summary>
    public static Dictionary<string, string?> Settings(AmazonSimulator amazon)
    {
        ArgumentNullException.ThrowIfNull(amazon);
        return new()
        {
            ["Amazon:ApiBaseUrl"] = amazon.BaseUrl.ToString(),
            ["Amazon:ClientId"] = amazon.Options.ClientId,
            ["Amazon:ClientSecret"] = amazon.Options.ClientSecret,
            ["Amazon:RefreshToken"] = amazon.Options.RefreshToken,
            ["Amazon:SellerId"] = amazon.Options.SellerId,
            ["Amazon:MarketplaceId"] = amazon.Options.MarketplaceId,
            ["Amazon:NotificationQueueUrl"] = amazon.QueueUrl.ToString(),
            ["Amazon:SqsServiceUrl"] = amazon.BaseUrl.ToString(),
            ["Amazon:AwsAccessKeyId"] = amazon.Options.AwsAccessKeyId,
            ["Amazon:AwsSecretAccessKey"] = "simulator-aws-secret",
        };
    }

    /// <summary>An eBay seller: FuncSync's keyset and the seller's refresh token, and the notification destination as
    /// registered (its endpoint URL and verification token).</summary>
    public static Dictionary<string, string?> Settings(EbaySimulator ebay)
    {
        ArgumentNullException.ThrowIfNull(ebay);
        return new()
        {
            ["Ebay:ApiBaseUrl"] = ebay.BaseUrl.ToString(),
            ["Ebay:ClientId"] = ebay.Options.ClientId,
            ["Ebay:ClientSecret"] = ebay.Options.ClientSecret,
            ["Ebay:RefreshToken"] = ebay.Options.RefreshToken,
            ["Ebay:MarketplaceId"] = ebay.Options.MarketplaceId,
            ["Ebay:NotificationUrl"] = ebay.Options.NotificationUrl?.OriginalString,
            ["Ebay:VerificationToken"] = ebay.Options.VerificationToken,
            ["Ebay:CalendarTimeZone"] = ebay.Options.CalendarTimeZone,
            ["Ebay:RevisionsPerListingPerDay"] = ebay.Options.RevisionsPerListingPerDay.ToString(CultureInfo.InvariantCulture),
            ["Ebay:DailyCallQuota"] = ebay.Options.DailyCallQuota.ToString(CultureInfo.InvariantCulture),
        };
    }

    public static Dictionary<string, string?> Settings(ShopifySimulator shopify, EtsySimulator etsy) => new()
    {
        ["Shopify:ShopDomain"] = shopify.Options.ShopDomain,
        ["Shopify:AdminApiBaseUrl"] = shopify.BaseUrl.ToString(),
        ["Shopify:ApiVersion"] = shopify.Options.ApiVersion,
        ["Shopify:AccessToken"] = shopify.Options.AccessToken,
        ["Shopify:WebhookSecret"] = shopify.Options.WebhookSecret,
        ["Etsy:ApiBaseUrl"] = etsy.BaseUrl.ToString(),
        ["Etsy:ShopId"] = etsy.Options.ShopId.ToString(CultureInfo.InvariantCulture),
        ["Etsy:Keystring"] = etsy.Options.Keystring,
        ["Etsy:SharedSecret"] = etsy.Options.SharedSecret,
        ["Etsy:AccessToken"] = etsy.Options.AccessToken,
        ["Etsy:QueriesPerSecond"] = etsy.Options.QueriesPerSecond.ToString(CultureInfo.InvariantCulture),
    };
}
