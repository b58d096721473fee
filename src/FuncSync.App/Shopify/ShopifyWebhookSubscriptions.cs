using System.Text.Json.Nodes;
using FuncSync.Push;
using Microsoft.Extensions.Options;

namespace FuncSync.Shopify;

/// <summary>Makes sure the shop has one webhook subscription per topic FuncSync needs, pointing at this app: lists
/// the existing ones (<c>webhookSubscriptions</c>), creates what is missing (<c>webhookSubscriptionCreate</c>), moves
/// one that points elsewhere (<c>webhookSubscriptionUpdate</c>) and removes duplicates
/// (<c>webhookSubscriptionDelete</c>). Running it again changes nothing.</summary>
public sealed class ShopifyWebhookSubscriptions(ShopifyAdminApi api, IOptions<ShopifyOptions> options, ILogger<ShopifyWebhookSubscriptions> logger)
{
    private const int PageSize = 100;
    private const int MutationCost = 10;

    private const string ListQuery =
        "query WebhookSubscriptions($first: Int!, $after: String, $topics: [WebhookSubscriptionTopic!]) { webhookSubscriptions(first: $first, after: $after, topics: $topics) { nodes { id topic uri } pageInfo { hasNextPage endCursor } } }";

    private const string CreateMutation =
        "mutation WebhookSubscriptionCreate($topic: WebhookSubscriptionTopic!, $webhookSubscription: WebhookSubscriptionInput!) { webhookSubscriptionCreate(topic: $topic, webhookSubscription: $webhookSubscription) { webhookSubscription { id topic uri } userErrors { field message } } }";

    private const string UpdateMutation =
        "mutation WebhookSubscriptionUpdate($id: ID!, $webhookSubscription: WebhookSubscriptionInput!) { webhookSubscriptionUpdate(id: $id, webhookSubscription: $webhookSubscription) { webhookSubscription { id topic uri } userErrors { field message } } }";

    private const string DeleteMutation =
        "mutation WebhookSubscriptionDelete($id: ID!) { webhookSubscriptionDelete(id: $id) { deletedWebhookSubscriptionId userErrors { field message } } }";

    /// <summary>The topics FuncSync listens to, in GraphQL enum form: the seller's capture point, cancellations,
    /// refunds, level changes and product edits.</summary>
    public static IReadOnlyList<string> TopicsFor(ShopifyOptions shopify) =>
        [TopicEnum(shopify.SaleTopic), "ORDERS_CANCELLED", "ORDERS_FULFILLED", "ORDERS_PARTIALLY_FULFILLED", "FULFILLMENTS_UPDATE", "REFUNDS_CREATE", "INVENTORY_LEVELS_UPDATE", "PRODUCTS_UPDATE"];

    /// <summary>The webhook address under the configured public base address, or null when none is configured.</summary>
    public static Uri? CallbackFor(ShopifyOptions shopify) =>
        shopify.WebhookBaseUrl is { } baseUrl ? new Uri(baseUrl, "api/" + Channels.Webhooks.ChannelWebhookFunction.RouteOf(Domain.Channel.Shopify)) : null;

    public async Task<ShopifySubscriptionReport> EnsureAsync(Uri callback, CancellationToken cancellationToken)
    {
        var needed = TopicsFor(options.Value);
        var existing = await ListAsync(needed, cancellationToken);
        var actions = new List<ShopifySubscriptionAction>();
        foreach (var topic in needed)
        {
            var ofTopic = existing.Where(s => s.Topic == topic).ToList();
            var keep = ofTopic.FirstOrDefault(s => s.Uri == callback);
            if (keep is not null)
            {
                actions.Add(new ShopifySubscriptionAction(topic, "kept", keep.Id, callback));
            }
            else if (ofTopic.Count > 0)
            {
                keep = ofTopic[0];
                var updated = await ChangeAsync("WebhookSubscriptionUpdate", UpdateMutation, "webhookSubscriptionUpdate", new JsonObject
                {
                    ["id"] = keep.Id,
                    ["webhookSubscription"] = new JsonObject { ["uri"] = callback.ToString() },
                }, cancellationToken);
                logger.LogInformation("Shopify subscription {Topic} moved from {Old} to {New}", topic, keep.Uri, callback);
                actions.Add(new ShopifySubscriptionAction(topic, "updated", updated, callback));
            }
            else
            {
                var created = await ChangeAsync("WebhookSubscriptionCreate", CreateMutation, "webhookSubscriptionCreate", new JsonObject
                {
                    ["topic"] = topic,
                    ["webhookSubscription"] = new JsonObject { ["uri"] = callback.ToString(), ["format"] = "JSON" },
                }, cancellationToken);
                logger.LogInformation("Shopify subscription {Topic} created for {Uri}", topic, callback);
                actions.Add(new ShopifySubscriptionAction(topic, "created", created, callback));
            }

            // Two subscriptions of one topic deliver every event twice; the extra ones go.
            foreach (var extra in ofTopic.Where(s => !ReferenceEquals(s, keep)))
            {
                await DeleteAsync(extra.Id, cancellationToken);
                logger.LogInformation("Shopify subscription {Topic} to {Uri} removed as a duplicate", topic, extra.Uri);
                actions.Add(new ShopifySubscriptionAction(topic, "deleted", extra.Id, extra.Uri));
            }
        }

        return new ShopifySubscriptionReport(callback, actions);
    }

    private async Task<List<Existing>> ListAsync(IReadOnlyList<string> topics, CancellationToken cancellationToken)
    {
        var found = new List<Existing>();
        string? after = null;
        do
        {
            var variables = new JsonObject { ["first"] = PageSize, ["after"] = after, ["topics"] = new JsonArray([.. topics.Select(t => (JsonNode?)t)]) };
            var data = await api.SendAsync("WebhookSubscriptions", ListQuery, variables, 2 + PageSize, cancellationToken);
            var page = data["webhookSubscriptions"] ?? throw new ChannelRequestException("Shopify returned no webhookSubscriptions.");
            foreach (var node in page["nodes"]?.AsArray().OfType<JsonNode>() ?? [])
            {
                if ((string?)node["id"] is { } id && (string?)node["topic"] is { } topic && Uri.TryCreate((string?)node["uri"], UriKind.Absolute, out var uri))
                {
                    found.Add(new Existing(id, topic, uri));
                }
            }

            after = page["pageInfo"]?["hasNextPage"]?.GetValue<bool>() == true ? (string?)page["pageInfo"]?["endCursor"] : null;
        }
        while (after is not null);

        return found;
    }

    private async Task<string> ChangeAsync(string operation, string document, string field, JsonObject variables, CancellationToken cancellationToken)
    {
        var data = await api.SendAsync(operation, document, variables, MutationCost, cancellationToken);
        var payload = data[field];
        ThrowOnUserErrors(payload, operation);
        return (string?)payload?["webhookSubscription"]?["id"] ?? throw new ChannelRequestException($"Shopify returned no subscription from {operation}.");
    }

    private async Task DeleteAsync(string id, CancellationToken cancellationToken)
    {
        var data = await api.SendAsync("WebhookSubscriptionDelete", DeleteMutation, new JsonObject { ["id"] = id }, MutationCost, cancellationToken);
        ThrowOnUserErrors(data["webhookSubscriptionDelete"], "WebhookSubscriptionDelete");
    }

    private static void ThrowOnUserErrors(JsonNode? payload, string operation)
    {
        if (payload?["userErrors"] is JsonArray { Count: > 0 } errors)
        {
            throw new ChannelRequestException($"Shopify refused {operation}: {string.Join("; ", errors.Select(e => (string?)e?["message"]))}");
        }
    }

    private static string TopicEnum(string topic) => topic.Replace('/', '_').ToUpperInvariant();

    private sealed record Existing(string Id, string Topic, Uri Uri);
}

/// <summary>What an ensure run did, per topic.</summary>
public sealed record ShopifySubscriptionReport(Uri Callback, IReadOnlyList<ShopifySubscriptionAction> Actions);

/// <param name="Action"><c>kept</c>, <c>created</c>, <c>updated</c> (pointed elsewhere) or <c>deleted</c> (a duplicate).</param>
public sealed record ShopifySubscriptionAction(string Topic, string Action, string Id, Uri Uri);

/// <summary>At start-up, when a public base address is configured, makes sure the subscriptions exist. Shopify being
/// unreachable does not stop the app: it is tried again a few times, then left to the admin command.</summary>
public sealed class ShopifySubscriptionStartup(IServiceProvider services, IOptions<ShopifyOptions> options, TimeProvider time, ILogger<ShopifySubscriptionStartup> logger) : BackgroundService
{
    private const int MaxAttempts = 5;
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (ShopifyWebhookSubscriptions.CallbackFor(options.Value) is not { } callback)
        {
            return;
        }

        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await services.GetRequiredService<ShopifyWebhookSubscriptions>().EnsureAsync(callback, stoppingToken);
                return;
            }
            catch (Exception ex) when (ex is HttpRequestException or ChannelRequestException or TaskCanceledException && !stoppingToken.IsCancellationRequested)
            {
                if (attempt >= MaxAttempts)
                {
                    logger.LogError(ex, "Shopify webhook subscriptions could not be checked after {Attempts} attempts; run POST /api/shopify/subscriptions", attempt);
                    return;
                }

                logger.LogWarning(ex, "Shopify webhook subscriptions could not be checked (attempt {Attempt}); trying again", attempt);
                await Task.Delay(RetryDelay, time, stoppingToken);
            }
        }
    }
}
