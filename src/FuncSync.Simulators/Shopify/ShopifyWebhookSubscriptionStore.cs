using System.Globalization;
using System.Text.Json.Nodes;
using FuncSync.Simulators.Hosting;

namespace FuncSync.Simulators.Shopify;

/// <summary>A shop-scoped webhook subscription: a topic (GraphQL enum form, e.g. <c>ORDERS_CREATE</c>) and the HTTPS
/// address Shopify posts it to (<c>uri</c>, the unified field since 2025-10).</summary>
public sealed record ShopifyWebhookSubscription(long Id, string Topic, Uri Uri, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public string Gid => ShopifyGid.Format("WebhookSubscription", Id);

    /// <summary>The REST/header form of a GraphQL topic enum: <c>INVENTORY_LEVELS_UPDATE</c> → <c>inventory_levels/update</c>.</summary>
    public static string HeaderTopic(string topicEnum)
    {
        var last = topicEnum.LastIndexOf('_');
        return last <= 0 ? topicEnum.ToLowerInvariant() : $"{topicEnum[..last].ToLowerInvariant()}/{topicEnum[(last + 1)..].ToLowerInvariant()}";
    }

    /// <summary>The GraphQL enum form of a header topic: <c>orders/create</c> → <c>ORDERS_CREATE</c>.</summary>
    public static string TopicEnum(string headerTopic) => headerTopic.Replace('/', '_').ToUpperInvariant();
}

/// <summary>The shop's webhook subscriptions and the Admin API operations on them. Thread-safe.</summary>
internal sealed class ShopifyWebhookSubscriptionStore(TimeProvider timeProvider)
{
    // The topics this simulator can send; Shopify refuses unknown enum values at input coercion.
    private static readonly HashSet<string> KnownTopics = new(StringComparer.Ordinal)
    {
        "ORDERS_CREATE", "ORDERS_PAID", "ORDERS_CANCELLED", "ORDERS_FULFILLED", "ORDERS_PARTIALLY_FULFILLED", "FULFILLMENTS_UPDATE", "REFUNDS_CREATE", "INVENTORY_LEVELS_UPDATE", "PRODUCTS_UPDATE",
        "APP_UNINSTALLED", "CUSTOMERS_DATA_REQUEST", "CUSTOMERS_REDACT", "SHOP_REDACT",
    };

    private readonly Lock _gate = new();
    private readonly List<ShopifyWebhookSubscription> _subscriptions = [];
    private long _nextId = 1_100_000_001;

    public IReadOnlyList<ShopifyWebhookSubscription> All
    {
        get
        {
            lock (_gate)
            {
                return [.. _subscriptions];
            }
        }
    }

    /// <summary>The addresses an event of <paramref name="headerTopic"/> goes to now; null when the shop has no
    /// subscriptions at all (the simulator then falls back to its configured address).</summary>
    public IReadOnlyList<Uri>? AddressesFor(string headerTopic)
    {
        var topic = ShopifyWebhookSubscription.TopicEnum(headerTopic);
        lock (_gate)
        {
            return _subscriptions.Count == 0 ? null : [.. _subscriptions.Where(s => s.Topic == topic).Select(s => s.Uri)];
        }
    }

    /// <summary>Adds a subscription outside the API (as an earlier install of the app would have).</summary>
    public ShopifyWebhookSubscription Add(string topicEnum, Uri uri)
    {
        lock (_gate)
        {
            var now = timeProvider.GetUtcNow();
            var subscription = new ShopifyWebhookSubscription(_nextId++, topicEnum, uri, now, now);
            _subscriptions.Add(subscription);
            return subscription;
        }
    }

    /// <summary><c>webhookSubscriptions(first:, after:, topics:)</c>, ordered by id, cursor = id.</summary>
    public (JsonObject Data, int Returned) List(int first, string? after, IReadOnlyCollection<string>? topics)
    {
        lock (_gate)
        {
            var afterId = after is null ? 0 : long.Parse(after, NumberStyles.None, CultureInfo.InvariantCulture);
            var matching = _subscriptions
                .Where(s => s.Id > afterId && (topics is null || topics.Contains(s.Topic)))
                .OrderBy(s => s.Id)
                .ToList();
            var page = matching.Take(first).ToList();
            var nodes = SimulatorJson.Array(page.Select(s => (JsonNode?)Node(s)));
            var edges = SimulatorJson.Array(page.Select(s => (JsonNode?)new JsonObject { ["cursor"] = Cursor(s), ["node"] = Node(s) }));
            var data = new JsonObject
            {
                ["webhookSubscriptions"] = new JsonObject
                {
                    ["nodes"] = nodes,
                    ["edges"] = edges,
                    ["pageInfo"] = new JsonObject
                    {
                        ["hasNextPage"] = matching.Count > page.Count,
                        ["endCursor"] = page.Count > 0 ? Cursor(page[^1]) : null,
                    },
                },
            };
            return (data, page.Count);
        }
    }

    public JsonObject Create(string? topic, JsonObject? input)
    {
        if (topic is null || !KnownTopics.Contains(topic))
        {
            throw new ShopifyGraphQlException($"Variable $topic of type WebhookSubscriptionTopic! was provided invalid value ('{topic}' is not a valid WebhookSubscriptionTopic)", "INVALID_VARIABLE");
        }

        lock (_gate)
        {
            if (!TryReadUri(input, out var uri, out var error))
            {
                return Payload("webhookSubscriptionCreate", null, error);
            }

            if (_subscriptions.Any(s => s.Topic == topic && s.Uri == uri))
            {
                return Payload("webhookSubscriptionCreate", null, UserError(["webhookSubscription", "callbackUrl"], "Address for this topic has already been taken"));
            }

            var now = timeProvider.GetUtcNow();
            var subscription = new ShopifyWebhookSubscription(_nextId++, topic, uri, now, now);
            _subscriptions.Add(subscription);
            return Payload("webhookSubscriptionCreate", subscription, null);
        }
    }

    public JsonObject Update(long id, JsonObject? input)
    {
        lock (_gate)
        {
            var index = _subscriptions.FindIndex(s => s.Id == id);
            if (index < 0)
            {
                return Payload("webhookSubscriptionUpdate", null, UserError(["id"], "Webhook subscription does not exist"));
            }

            if (!TryReadUri(input, out var uri, out var error))
            {
                return Payload("webhookSubscriptionUpdate", null, error);
            }

            var existing = _subscriptions[index];
            if (_subscriptions.Any(s => s.Id != id && s.Topic == existing.Topic && s.Uri == uri))
            {
                return Payload("webhookSubscriptionUpdate", null, UserError(["webhookSubscription", "callbackUrl"], "Address for this topic has already been taken"));
            }

            var updated = existing with { Uri = uri, UpdatedAt = timeProvider.GetUtcNow() };
            _subscriptions[index] = updated;
            return Payload("webhookSubscriptionUpdate", updated, null);
        }
    }

    public JsonObject Delete(long id)
    {
        lock (_gate)
        {
            var removed = _subscriptions.RemoveAll(s => s.Id == id) > 0;
            return new JsonObject
            {
                ["webhookSubscriptionDelete"] = new JsonObject
                {
                    ["deletedWebhookSubscriptionId"] = removed ? ShopifyGid.Format("WebhookSubscription", id) : null,
                    ["userErrors"] = removed ? new JsonArray() : new JsonArray(UserError(["id"], "Webhook subscription does not exist")),
                },
            };
        }
    }

    private static bool TryReadUri(JsonObject? input, out Uri uri, out JsonObject? error)
    {
        // "uri" is the unified field; "callbackUrl" is its deprecated predecessor, still accepted.
        var text = (input?["uri"] ?? input?["callbackUrl"])?.GetValue<string>();
        if (!Uri.TryCreate(text, UriKind.Absolute, out uri!))
        {
            error = UserError(["webhookSubscription", "uri"], "Address is invalid");
            return false;
        }

        // Shopify delivers HTTP webhooks over HTTPS only; plain http is allowed for loopback receivers, which is all a
        // test or a benchmark may use.
        if (uri.Scheme != Uri.UriSchemeHttps && !(uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback))
        {
            error = UserError(["webhookSubscription", "uri"], "Address protocol http:// is not supported");
            return false;
        }

        error = null;
        return true;
    }

    private static string Cursor(ShopifyWebhookSubscription subscription) => subscription.Id.ToString(CultureInfo.InvariantCulture);

    private static JsonObject Node(ShopifyWebhookSubscription s) => new()
    {
        ["id"] = s.Gid,
        ["topic"] = s.Topic,
        ["uri"] = s.Uri.ToString(),
        ["format"] = "JSON",
        ["createdAt"] = s.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        ["updatedAt"] = s.UpdatedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
    };

    private static JsonObject Payload(string field, ShopifyWebhookSubscription? subscription, JsonObject? error) => new()
    {
        [field] = new JsonObject
        {
            ["webhookSubscription"] = subscription is null ? null : Node(subscription),
            ["userErrors"] = error is null ? new JsonArray() : new JsonArray(error),
        },
    };

    private static JsonObject UserError(string[] field, string message) => new()
    {
        ["field"] = SimulatorJson.Array(field.Select(f => (JsonNode?)f)),
        ["message"] = message,
    };
}
