using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using FuncSync.Simulators.Etsy;

namespace FuncSync.Simulators.Faults;

/// <summary>One generated webhook delivery.</summary>
/// <param name="Path">Relative to the app's base URL.</param>
/// <param name="Mutation">What was done to a well-formed delivery, for the report.</param>
/// <param name="MustWriteNothing">The delivery is invalid by construction (bad or missing signature, wrong shop,
/// unreadable or impossible body): the app must refuse it with a 4xx, or acknowledge it, and write nothing but the
/// kept raw body. False for mutations that may or may not leave a valid delivery (a flipped byte).</param>
public sealed record FuzzedDelivery(string Path, byte[] Body, IReadOnlyList<KeyValuePair<string, string>> Headers, string Mutation, bool MustWriteNothing)
{
    public HttpRequestMessage ToRequest()
    {
        var request = new HttpRequestMessage(HttpMethod.Post, Path) { Content = new ByteArrayContent(Body) };
        foreach (var (name, value) in Headers)
        {
            if (!request.Headers.TryAddWithoutValidation(name, value))
            {
                request.Content.Headers.TryAddWithoutValidation(name, value);
            }
        }

        return request;
    }
}

/// <summary>Seeded generator of malformed webhook deliveries for Shopify (<c>/api/webhooks/shopify</c>, HMAC over the
/// raw body) and Etsy (<c>/api/webhooks/etsy</c>, Standard Webhooks): signed and unsigned, broken in every header and
/// every field. The same seed gives the same deliveries; ids in bodies never repeat within a run.</summary>
public sealed class WebhookFuzzer(int seed, string shopifySecret, string shopDomain, string etsySecret, long etsyShopId, Func<DateTimeOffset> now)
{
    public const string ShopifyPath = "api/webhooks/shopify";
    public const string EtsyPath = "api/webhooks/etsy";

    private static readonly string[] ShopifyTopics = ["orders/create", "orders/cancelled", "refunds/create", "products/update", "inventory_levels/update"];

    private readonly Random _random = new(seed);
    private long _next = 900_000_000_000L + (seed * 1_000_000L);

    public FuzzedDelivery NextShopify()
    {
        var topic = ShopifyTopics[_random.Next(ShopifyTopics.Length)];
        var body = Encoding.UTF8.GetBytes(ShopifyBody(topic));
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["X-Shopify-Topic"] = topic,
            ["X-Shopify-Shop-Domain"] = shopDomain,
            ["X-Shopify-API-Version"] = "2026-04",
            ["X-Shopify-Webhook-Id"] = Guid.NewGuid().ToString(),
            ["X-Shopify-Event-Id"] = Guid.NewGuid().ToString(),
            ["X-Shopify-Triggered-At"] = now().ToString("O", CultureInfo.InvariantCulture),
        };

        string mutation;
        var mustWriteNothing = true;
        var signature = true;
        switch (_random.Next(22))
        {
            case 0: mutation = "unsigned"; signature = false; break;
            case 1: mutation = "signature-garbage"; signature = false; headers["X-Shopify-Hmac-Sha256"] = RandomText(1, 80); break;
            case 2: mutation = "signature-other-secret"; signature = false; headers["X-Shopify-Hmac-Sha256"] = ShopifySign("not-" + shopifySecret, body); break;
            case 3:
                mutation = "body-changed-after-signing";
                signature = false;
                headers["X-Shopify-Hmac-Sha256"] = ShopifySign(shopifySecret, body);
                body = Flip(body);
                break;
            case 4: mutation = "other-shop"; headers["X-Shopify-Shop-Domain"] = RandomText(1, 40) + ".myshopify.com"; break;
            case 5: mutation = "no-delivery-ids"; headers.Remove("X-Shopify-Webhook-Id"); headers.Remove("X-Shopify-Event-Id"); break;
            case 6: mutation = "huge-event-id"; headers.Remove("X-Shopify-Webhook-Id"); headers["X-Shopify-Event-Id"] = new string('e', 300 + _random.Next(3000)); break;
            case 7: mutation = "truncated"; body = body[.._random.Next(body.Length - 1)]; break;
            case 8: mutation = "invalid-utf8"; body = InvalidUtf8(body); break;
            case 9: mutation = "required-array-missing"; body = Encoding.UTF8.GetBytes(RemoveArrays(Encoding.UTF8.GetString(body))); mustWriteNothing = topic != "inventory_levels/update"; break;
            case 10: mutation = "null-in-array"; body = Encoding.UTF8.GetBytes(NullInArray(Encoding.UTF8.GetString(body))); mustWriteNothing = topic != "inventory_levels/update"; break;
            case 11:
                mutation = "quantity-out-of-range";
                body = Encoding.UTF8.GetBytes(Quantity(Encoding.UTF8.GetString(body), Pick("2147483647", "-1", "100001", "-2147483648", "99999999999", "1e30", "1.5")));

                // A level may be negative, and a product carries no quantity: either may stay valid.
                mustWriteNothing = topic is not ("inventory_levels/update" or "products/update");
                break;
            case 12: mutation = "wrong-types"; body = Encoding.UTF8.GetBytes(WrongTypes(Encoding.UTF8.GetString(body))); break;
            case 13: mutation = "json-literal"; body = Encoding.UTF8.GetBytes(Pick("null", "[]", "\"order\"", "42", "true", string.Empty, "{", "{}}")); break;
            case 14: mutation = "deep-nesting"; body = Encoding.UTF8.GetBytes(new string('[', 200 + _random.Next(2000)) + new string(']', 10)); break;
            case 15: mutation = "random-bytes"; body = RandomBytes(_random.Next(0, 4096)); break;
            case 16:
                mutation = "triggered-at-garbage";
                headers["X-Shopify-Triggered-At"] = Pick("9999-12-31T23:59:59Z", "0001-01-01T00:00:00Z", "2026-01-01T00:00:00Z", "yesterday", RandomText(1, 60));
                mustWriteNothing = false;
                break;
            case 17: mutation = "flipped-byte"; body = Flip(body); mustWriteNothing = false; break;
            case 18: mutation = "control-characters"; body = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(body).Replace("#", "#\\n\\u001b[31m", StringComparison.Ordinal)); mustWriteNothing = false; break;
            case 19: mutation = "unknown-topic"; headers["X-Shopify-Topic"] = Pick("customers/create", "app/uninstalled", string.Empty, RandomText(1, 50)); mustWriteNothing = false; break;
            case 20: mutation = "header-injection"; headers["X-Shopify-Topic"] = topic + Pick("\u0001", " ", "\t"); mustWriteNothing = false; break;
            default: mutation = "well-formed"; mustWriteNothing = false; break;
        }

        if (signature)
        {
            headers["X-Shopify-Hmac-Sha256"] = ShopifySign(shopifySecret, body);
        }

        return new FuzzedDelivery(ShopifyPath, body, [.. headers], "shopify:" + mutation, mustWriteNothing);
    }

    public FuzzedDelivery NextEtsy()
    {
        var webhookId = "msg_" + Guid.NewGuid().ToString("N");
        var timestamp = now().ToUnixTimeSeconds();
        var receipt = _next++;
        var body = Encoding.UTF8.GetBytes(string.Create(
            CultureInfo.InvariantCulture,
            $$"""{"event_type":"order.paid","resource_url":"https://openapi.etsy.com/v3/application/shops/{{etsyShopId}}/receipts/{{receipt}}","shop_id":{{etsyShopId}}}"""));
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["webhook-id"] = webhookId };
        string mutation;
        var sign = true;
        switch (_random.Next(14))
        {
            case 0: mutation = "unsigned"; sign = false; break;
            case 1: mutation = "signature-garbage"; sign = false; headers["webhook-signature"] = Pick("v1,", "v2,abc", string.Empty) + RandomText(0, 100); break;
            case 2: mutation = "signature-other-secret"; sign = false; headers["webhook-signature"] = EtsyWebhookSigner.Sign("whsec_" + Convert.ToBase64String(RandomBytes(32)), webhookId, timestamp, body); break;
            case 3: mutation = "stale-timestamp"; timestamp -= 600 + _random.Next(1_000_000); break;
            case 4: mutation = "future-timestamp"; timestamp += 600 + _random.Next(1_000_000); break;
            case 5: mutation = "timestamp-garbage"; sign = false; headers["webhook-timestamp"] = Pick("soon", "-1", "99999999999999999999", string.Empty, RandomText(1, 30)); headers["webhook-signature"] = EtsyWebhookSigner.Sign(etsySecret, webhookId, timestamp, body); break;
            case 6: mutation = "other-shop"; body = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(body).Replace($"\"shop_id\":{etsyShopId}", "\"shop_id\":" + Pick("1", "\"x\"", "null", "{}", "-5"), StringComparison.Ordinal)); break;
            case 7: mutation = "resource-url-garbage"; body = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $$"""{"event_type":"order.paid","resource_url":{{Pick("null", "\"\"", "\"http://evil.example/v3/application/shops/1/receipts/2\"", "\"/receipts/-1\"", "42")}},"shop_id":{{etsyShopId}}}""")); break;
            case 8: mutation = "truncated"; body = body[.._random.Next(body.Length - 1)]; break;
            case 9: mutation = "invalid-utf8"; body = InvalidUtf8(body); break;
            case 10: mutation = "random-bytes"; body = RandomBytes(_random.Next(0, 4096)); break;
            case 11: mutation = "deep-nesting"; body = Encoding.UTF8.GetBytes(new string('{', 1) + string.Concat(Enumerable.Repeat("\"a\":{", 200)) + "}"); break;
            case 12: mutation = "other-event"; body = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(body).Replace("order.paid", Pick("order.shipped", string.Empty, "ORDER_PAID\u0000"), StringComparison.Ordinal)); break;
            default: mutation = "unknown-receipt"; break;
        }

        headers.TryAdd("webhook-timestamp", timestamp.ToString(CultureInfo.InvariantCulture));
        if (sign)
        {
            headers["webhook-signature"] = EtsyWebhookSigner.Sign(etsySecret, webhookId, timestamp, body);
        }

        // No Etsy delivery here names a receipt the simulator has, so none may queue anything.
        return new FuzzedDelivery(EtsyPath, body, [.. headers], "etsy:" + mutation, MustWriteNothing: true);
    }

    private string ShopifyBody(string topic)
    {
        var id = _next++;
        var line = (id * 10) + 1;
        var variant = 8_800_000_000L + _random.Next(1_000_000);
        var quantity = 1 + _random.Next(5);
        var at = now().ToString("O", CultureInfo.InvariantCulture);
        return topic switch
        {
            "refunds/create" => string.Create(CultureInfo.InvariantCulture, $$$"""{"id":{{{id}}},"order_id":{{{id + 1}}},"created_at":"{{{at}}}","refund_line_items":[{"id":{{{line}}},"line_item_id":{{{line + 1}}},"quantity":{{{quantity}}},"restock_type":"return","location_id":1,"line_item":{"id":{{{line + 1}}},"variant_id":{{{variant}}},"sku":"FUZZ","quantity":{{{quantity}}},"variant_inventory_management":"shopify"}}]}"""),
            "products/update" => string.Create(CultureInfo.InvariantCulture, $$"""{"id":{{id}},"title":"Fuzz #{{id}}","variants":[{"id":{{variant}},"sku":"FUZZ-{{id}}","inventory_item_id":{{id + 7}},"title":"Default"}]}"""),
            "inventory_levels/update" => string.Create(CultureInfo.InvariantCulture, $$"""{"inventory_item_id":{{id}},"location_id":1,"available":{{quantity}},"updated_at":"{{at}}"}"""),
            _ => string.Create(CultureInfo.InvariantCulture, $$"""{"id":{{id}},"name":"#{{id}}","created_at":"{{at}}","cancelled_at":"{{at}}","line_items":[{"id":{{line}},"variant_id":{{variant}},"sku":"FUZZ","quantity":{{quantity}},"variant_inventory_management":"shopify","fulfillment_status":null}],"fulfillments":[]}"""),
        };
    }

    private static string ShopifySign(string secret, byte[] body) => Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    private static string RemoveArrays(string json)
    {
        foreach (var name in new[] { "\"line_items\":", "\"refund_line_items\":", "\"variants\":" })
        {
            var start = json.IndexOf(name, StringComparison.Ordinal);
            if (start >= 0)
            {
                // Renamed rather than cut out, so the JSON stays well-formed and only the field is missing.
                return json.Remove(start, name.Length).Insert(start, "\"removed_" + name[1..]);
            }
        }

        return json;
    }

    private static string NullInArray(string json)
    {
        foreach (var name in new[] { "\"line_items\":[", "\"refund_line_items\":[", "\"variants\":[" })
        {
            var start = json.IndexOf(name, StringComparison.Ordinal);
            if (start >= 0)
            {
                return json.Insert(start + name.Length, "null,");
            }
        }

        return json;
    }

    private static string Quantity(string json, string value)
    {
        var marker = json.Contains("\"quantity\":", StringComparison.Ordinal) ? "\"quantity\":" : "\"available\":";
        if (!json.Contains(marker, StringComparison.Ordinal))
        {
            return json;
        }

        var start = json.IndexOf(marker, StringComparison.Ordinal) + marker.Length;
        var end = start;
        while (end < json.Length && (char.IsAsciiDigit(json[end]) || json[end] == '-'))
        {
            end++;
        }

        return json[..start] + value + json[end..];
    }

    private string WrongTypes(string json)
    {
        var field = Pick("\"id\":", "\"variant_id\":", "\"quantity\":", "\"line_items\":", "\"created_at\":");
        var start = json.IndexOf(field, StringComparison.Ordinal);
        if (start < 0)
        {
            return "{\"id\":{}}";
        }

        var replacement = Pick("{}", "\"twelve\"", "[1,2]", "true");
        var valueStart = start + field.Length;
        var depth = 0;
        var end = valueStart;
        var inString = false;
        for (; end < json.Length; end++)
        {
            var c = json[end];
            if (c == '"' && (end == 0 || json[end - 1] != '\\'))
            {
                inString = !inString;
            }
            else if (!inString && c is '[' or '{')
            {
                depth++;
            }
            else if (!inString && c is ']' or '}')
            {
                if (depth == 0)
                {
                    break;
                }

                depth--;
            }
            else if (!inString && c == ',' && depth == 0)
            {
                break;
            }
        }

        return json[..valueStart] + replacement + json[end..];
    }

    private byte[] InvalidUtf8(byte[] body)
    {
        var copy = body.ToList();
        var at = body.Length == 0 ? 0 : _random.Next(body.Length);
        byte[][] broken = [[0xFF], [0xC3, 0x28], [0xE2, 0x82], [0xF0, 0x28, 0x8C, 0xBC], [0xED, 0xA0, 0x80]];
        copy.InsertRange(at, broken[_random.Next(broken.Length)]);
        return [.. copy];
    }

    private byte[] Flip(byte[] body)
    {
        var copy = (byte[])body.Clone();
        if (copy.Length > 0)
        {
            copy[_random.Next(copy.Length)] ^= (byte)(1 << _random.Next(8));
        }

        return copy;
    }

    private byte[] RandomBytes(int length)
    {
        var bytes = new byte[length];
        _random.NextBytes(bytes);
        return bytes;
    }

    private string RandomText(int min, int max)
    {
        var length = _random.Next(min, max + 1);
        var chars = new char[length];
        for (var i = 0; i < length; i++)
        {
            chars[i] = (char)_random.Next(0x20, 0x7F);
        }

        return new string(chars);
    }

    private string Pick(params string[] values) => values[_random.Next(values.Length)];
}
