using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using FuncSync.Alerts;
using FuncSync.Catalog;
using FuncSync.Domain;
using FuncSync.Push;
using Microsoft.Extensions.Options;

namespace FuncSync.Ebay;

/// <summary>The push's read and write of eBay. What a buyer sees is the smaller of the inventory item's ship-to-home
/// quantity and its offer's available quantity on the seller's marketplace; a write sets both to the same number with
/// <c>bulkUpdatePriceQuantity</c>, one SKU per call. Every write revises the offer's listing, and eBay allows 250
/// revisions per listing per calendar day: each write spends one from <see cref="EbayRevisionBudget"/> first. Near the
/// end of a listing's budget only decreases are written (an increase waits for the next day, a decrease never does) and
/// the seller is alerted; with none left nothing is sent, so eBay never refuses one. Bursts are coalesced by the push
/// (one write per ledger state, and none when eBay already shows the number).</summary>
public sealed class EbayInventory(EbayApi ebay, EbayRevisionBudget revisions, AlertSender alerts, IOptions<EbayOptions> options, TimeProvider time, ILogger<EbayInventory> logger) : IChannelInventory
{
    public Channel Channel => Channel.Ebay;

    public async Task<ChannelStock> ReadAsync(SkuMapping mapping, CancellationToken cancellationToken)
    {
        var sku = Sku(mapping);
        var item = await ebay.GetInventoryItemAsync(sku, cancellationToken)
            ?? throw new ChannelRequestException($"eBay has no inventory item {sku}.");
        var stock = EbayStock.From(item, await ebay.GetOffersAsync(sku, cancellationToken), options.Value.MarketplaceId);
        return new ChannelStock(stock.Shown, stock);
    }

    public async Task WriteAsync(SkuMapping mapping, ChannelStock current, int quantity, CancellationToken cancellationToken)
    {
        var sku = Sku(mapping);
        var stock = current.Snapshot as EbayStock ?? (EbayStock)(await ReadAsync(mapping, cancellationToken)).Snapshot!;
        if (stock.Offers.Count == 0)
        {
            throw new ChannelRequestException($"{sku} has no published offer on {options.Value.MarketplaceId}: publish it on eBay, or remove its eBay mapping.");
        }

        var decrease = quantity < current.Quantity;
        foreach (var listing in stock.Offers.Select(o => o.ListingId).Distinct(StringComparer.Ordinal))
        {
            await SpendAsync(mapping, listing, decrease, quantity, cancellationToken);
        }

        foreach (var offers in stock.Offers.Chunk(EbayApi.MaxOffersPerUpdate))
        {
            var responses = await ebay.BulkUpdateQuantityAsync(sku, quantity, [.. offers.Select(o => o.OfferId)], cancellationToken);
            await CheckAsync(mapping, offers, responses, cancellationToken);
        }
    }

    /// <summary>A write of one SKU leaves the others alone, but without compare-and-set it is serialised and read back
    /// (a buyer between the read and the write is seen).</summary>
    public string? WriteUnit(SkuMapping mapping) => "ebay:" + Sku(mapping);

    private async Task SpendAsync(SkuMapping mapping, string listing, bool decrease, int quantity, CancellationToken cancellationToken)
    {
        var s = options.Value;
        var spend = await revisions.TrySpendAsync(listing, decrease, cancellationToken);
        var key = AlertKey(listing);
        if (!spend.Spent)
        {
            var waiting = decrease
                ? $"eBay listing {listing} has used all {s.RevisionsPerListingPerDay} revisions eBay allows today, so {mapping.Sku} cannot be lowered to {quantity} there until eBay's next day: it may sell units you do not have."
                : $"eBay listing {listing} has {spend.Left} of its {s.RevisionsPerListingPerDay} revisions left today, kept for decreases: {mapping.Sku} rises to {quantity} there when eBay's next day begins.";
            logger.LogWarning("eBay listing {Listing} revision budget: {Used} used today; {Direction} of {Sku} to {Quantity} waits for {NextDay}", listing, spend.Used, decrease ? "decrease" : "increase", mapping.Sku, quantity, spend.NextDay);
            await alerts.RaiseAsync(AlertKind.ChannelLimit, key, waiting, mapping.Sku, new AlertAdvice("Ebay", decrease ? "End the listing or lower it by hand on eBay if it must not sell; FuncSync writes it again when eBay's day turns." : "Nothing is lost: FuncSync writes the listing again when eBay's day turns. Fewer edits of the listing on eBay itself leave more revisions for FuncSync."), cancellationToken);
            throw new ChannelThrottledException(waiting, HttpStatusCode.TooManyRequests, spend.NextDay - time.GetUtcNow());
        }

        if (spend.Used == 1)
        {
            await alerts.ClearAsync(AlertKind.ChannelLimit, key, cancellationToken);
        }
        else if (spend.Left == s.RevisionsReservedForDecreases)
        {
            await alerts.RaiseAsync(
                AlertKind.ChannelLimit,
                key,
                string.Create(CultureInfo.InvariantCulture, $"eBay listing {listing} ({mapping.Sku}) has {spend.Left} of its {s.RevisionsPerListingPerDay} daily revisions left: until eBay's next day FuncSync only lowers its quantity there."),
                mapping.Sku,
                new AlertAdvice("Ebay", "Nothing to do unless it recurs: then fewer edits on eBay itself, or a longer push delay for this listing, leave FuncSync more revisions."),
                cancellationToken);
        }
    }

    private async Task CheckAsync(SkuMapping mapping, IReadOnlyList<EbayOffer> offers, JsonArray responses, CancellationToken cancellationToken)
    {
        var failed = responses.Where(r => (int?)r?["statusCode"] is not 200).ToList();
        if (failed.Count == 0)
        {
            return;
        }

        var detail = string.Join("; ", failed.Select(r => EbayErrors.Describe(r?["errors"] as JsonArray)));
        if (detail.Contains("revised the maximum", StringComparison.OrdinalIgnoreCase))
        {
            // The seller's own edits on eBay spent revisions FuncSync did not count: none left today.
            foreach (var listing in offers.Select(o => o.ListingId).Distinct(StringComparer.Ordinal))
            {
                await revisions.ExhaustAsync(listing, cancellationToken);
            }

            throw new ChannelThrottledException($"eBay refused {mapping.Sku}: {detail}", HttpStatusCode.TooManyRequests, options.Value.NextDay(time.GetUtcNow()) - time.GetUtcNow());
        }

        if (detail.Contains("SKU mismatch", StringComparison.OrdinalIgnoreCase))
        {
            throw new ChannelRequestException($"eBay removed {mapping.Sku} from its listing when it sold out (Out-of-Stock Control is off), and refuses to revise it ({detail}). Turn Out-of-Stock Control on in eBay's selling preferences and relist the variation.");
        }

        throw new ChannelRequestException($"eBay refused the quantity of {mapping.Sku}: {detail}");
    }

    internal static string Sku(SkuMapping mapping) =>
        mapping.Ebay?.Sku ?? throw new InvalidOperationException($"{mapping.Sku} has no eBay inventory item.");

    private static string AlertKey(string listing) => "ebay-revisions:" + listing;
}

/// <summary>One offer of the SKU on the seller's marketplace, and the listing it is published as.</summary>
public sealed record EbayOffer(string OfferId, int Available, string ListingId, string ListingStatus);

/// <summary>What eBay shows for a SKU: the smaller of the ship-to-home quantity and the offer's available quantity; 0
/// without a published offer or once eBay took the variation off its listing.</summary>
public sealed record EbayStock(int ShipTo, IReadOnlyList<EbayOffer> Offers)
{
    public int Shown => Offers.Count == 0
        ? 0
        : Math.Max(0, Offers.Min(o => o.ListingStatus is "ACTIVE" ? Math.Min(ShipTo, o.Available) : 0));

    public static EbayStock From(JsonNode item, JsonArray offers, string marketplace)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(offers);
        var shipTo = (int?)item["availability"]?["shipToLocationAvailability"]?["quantity"] ?? 0;
        var published = offers
            .Where(o => (string?)o?["marketplaceId"] == marketplace && (string?)o?["status"] == "PUBLISHED" && (string?)o?["offerId"] is not null)
            .Select(o => new EbayOffer((string)o!["offerId"]!, (int?)o["availableQuantity"] ?? 0, (string?)o["listing"]?["listingId"] ?? (string)o["offerId"]!, (string?)o["listing"]?["listingStatus"] ?? "ACTIVE"))
            .ToList();
        return new EbayStock(shipTo, published);
    }
}
