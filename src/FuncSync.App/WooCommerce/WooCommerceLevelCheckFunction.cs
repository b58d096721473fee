using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using FuncSync.Catalog;
using FuncSync.Domain;
using FuncSync.Hosting.Storage;
using FuncSync.Push;
using FuncSync.Storage;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;

namespace FuncSync.WooCommerce;

/// <summary>Queue function on <c>woocommerce-level-checks</c>: after the settling delay, compares WooCommerce's stock of
/// a mapped product or variation with what FuncSync's push record explains (<see cref="ChannelLevelCheck"/>): FuncSync's
/// own write and the shop's reduction for an order already in the ledger are echoes; the rest (a wp-admin edit) is an
/// adjustment. First it reads the product's recent orders: one whose delivery was lost or is still queued on the site
/// is sent to the ledger and the check waits for it, so its reduction is counted as the sale it is, never also as an
/// edit.</summary>
public sealed class WooCommerceLevelCheckFunction(
    SkuMapStore map,
    ChannelLevelCheck check,
    WooCommerceInventory inventory,
    WooCommerceApi woo,
    WooCommerceOrderIntake intake,
    StorageClients storage,
    StorageNames names,
    IOptions<WooCommerceOptions> options,
    TimeProvider time,
    ILogger<WooCommerceLevelCheckFunction> logger)
{
    public const string Name = "WooCommerceLevelCheck";

    public const string Reason = "changed in WooCommerce";

    /// <summary>Checks that waited for orders this many times judge what they see.</summary>
    public const int MaxWaits = 5;

    [Function(Name)]
    public async Task RunAsync([QueueTrigger(StorageNames.WooCommerceLevelChecks, Connection = StorageNames.Connection)] string message, CancellationToken cancellationToken)
    {
        var changed = JsonSerializer.Deserialize(message, WooCommerceJson.Default.WooCommerceStockChanged)
            ?? throw new InvalidDataException("The level check message is empty.");
        var mapping = await map.GetAsync(changed.Sku, cancellationToken);
        if (mapping?.WooCommerce is not { } listing || listing.StockId != changed.StockId)
        {
            logger.LogInformation("WooCommerce {StockId} is no longer mapped to {Sku}; stock change ignored", changed.StockId, changed.Sku);
            return;
        }

        if (changed.Waits < MaxWaits && await CatchUpOrdersAsync(listing, cancellationToken) > 0)
        {
            var later = changed with { Waits = changed.Waits + 1 };
            await storage.Queue(names.WooCommerceLevelChecksQueue).SendMessageAsync(
                JsonSerializer.Serialize(later, WooCommerceJson.Default.WooCommerceStockChanged), visibilityTimeout: options.Value.LevelCheckDelay, cancellationToken: cancellationToken);
            logger.LogInformation("{Sku}: orders of WooCommerce product {Product} reached the ledger first; level check waits for them", changed.Sku, listing.ProductId);
            return;
        }

        var change = new LevelChange(
            EventId: $"woocommerce:level:{changed.EventId}:{changed.StockId}",
            Source: WooCommerceOrderEvents.Source,
            Reason: Reason,
            Reference: "WooCommerce stock of " + changed.StockId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            OccurredAt: changed.OccurredAt,
            ReceivedAt: changed.ReceivedAt);
        await check.CheckAsync(mapping, Channel.WooCommerce, async ct => (await inventory.ReadAsync(mapping, ct)).Quantity, change, cancellationToken);
    }

    /// <summary>Sends the events of the product's orders changed within the lookback that the ledger lacks; answers how
    /// many were this listing's.</summary>
    private async Task<int> CatchUpOrdersAsync(WooCommerceListing listing, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var orders = await woo.ListOrdersAsync(now - options.Value.LevelCheckOrderLookback, now.AddMinutes(1), 1, listing.ProductId, cancellationToken);
        var sent = 0;
        foreach (var order in orders.OfType<JsonNode>())
        {
            if (WooCommerceOrderEvents.Translate(order, now) is { } events)
            {
                // Every line is sent; only this listing's make the check wait (another line's may be parked, unmapped).
                var mine = events.Where(e => e.Event.Listing == listing.Ref).ToList();
                await intake.SendAsync([.. events.Except(mine)], cancellationToken);
                sent += (await intake.SendAsync(mine, cancellationToken)).Sent;
            }
        }

        return sent;
    }
}

/// <summary>A mapped WooCommerce product or variation changed; checked after a settling delay.</summary>
/// <param name="Waits">How many times the check already waited for the product's orders to reach the ledger.</param>
public sealed record WooCommerceStockChanged(string EventId, long StockId, string Sku, DateTimeOffset OccurredAt, DateTimeOffset ReceivedAt, int Waits);

[JsonSourceGenerationOptions(RespectNullableAnnotations = true)]
[JsonSerializable(typeof(WooCommerceStockChanged))]
[JsonSerializable(typeof(WooCommerceWebhookCheck))]
[JsonSerializable(typeof(DateTimeOffset))]
internal sealed partial class WooCommerceJson : JsonSerializerContext;
