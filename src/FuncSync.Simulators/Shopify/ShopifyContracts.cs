using System.Net;

namespace FuncSync.Simulators.Shopify;

/// <param name="WebhookStatus">The receiver's status code, or 0 when it did not answer (refused, timed out); the order exists either way.</param>
/// <param name="Payload">The exact JSON body that was signed and sent.</param>
public sealed record ShopifyOrderResult(long OrderId, string EventId, string WebhookId, HttpStatusCode WebhookStatus, string Payload);

public sealed record ShopifyInventoryChanged(long InventoryItemId, long LocationId, int Available, DateTimeOffset At);

/// <summary>One delivery attempt of a webhook event.</summary>
/// <param name="Attempt">0 for a first delivery (or a duplicate), 1..8 for Shopify's retries.</param>
/// <param name="Status">The receiver's status code, or 0 when it did not answer in time.</param>
public sealed record ShopifyWebhookDelivery(string EventId, string WebhookId, string Topic, Uri Address, int Attempt, HttpStatusCode Status, DateTimeOffset At);
