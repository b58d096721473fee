using System.Net;

namespace FuncSync.Simulators.Shopify;

/// <param name="WebhookStatus">The receiver's status code, or 0 when it did not answer (refused, timed out); the order exists either way.</param>
/// <param name="Payload">The exact JSON body that was signed and sent.</param>
public sealed record ShopifyOrderResult(long OrderId, string EventId, string WebhookId, HttpStatusCode WebhookStatus, string Payload);

public sealed record ShopifyInventoryChanged(long InventoryItemId, long LocationId, int Available, DateTimeOffset At);
