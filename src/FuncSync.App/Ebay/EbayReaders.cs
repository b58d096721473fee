using FuncSync.Alerts;
using FuncSync.Catalog;
using FuncSync.Domain;
using FuncSync.Ledger;
using FuncSync.Mapping;
using FuncSync.Reconciliation;

namespace FuncSync.Ebay;

/// <summary>Reconciliation's read of eBay: each mapped SKU's inventory item and offers, as the push reads them (two
/// calls a SKU: eBay has no bulk read of offers).</summary>
public sealed class EbayQuantityReader(EbayInventory inventory) : IChannelQuantityReader
{
    public Channel Channel => Channel.Ebay;

    public async Task<ChannelQuantities> ReadAsync(IReadOnlyList<SkuMapping> mappings, CancellationToken cancellationToken)
    {
        var shown = new Dictionary<string, ShownQuantity>(StringComparer.Ordinal);
        var requests = 0;
        foreach (var mapping in mappings.Where(m => m.Ebay is not null))
        {
            shown[mapping.Sku] = new ShownQuantity((await inventory.ReadAsync(mapping, cancellationToken)).Quantity, null);
            requests += 2;
        }

        return new ChannelQuantities(shown, requests);
    }
}

/// <summary>The mapping audit's read of eBay: every inventory item, a page at a time, and whether the seller has
/// Out-of-Stock Control. Without it eBay removes a variation that reaches 0 (and ends a single-item listing), and
/// FuncSync's later writes of that SKU fail with "SKU mismatch": the seller is alerted until it is on.</summary>
public sealed class EbayCatalogReader(EbayApi ebay, AlertSender alerts, ILogger<EbayCatalogReader> logger) : IChannelCatalogReader
{
    public const string OutOfStockControlAlertKey = "ebay-out-of-stock-control";

    private const int PageSize = 100;

    public Channel Channel => Channel.Ebay;

    public async Task<ChannelCatalog> ReadAsync(CancellationToken cancellationToken)
    {
        var listings = new List<CatalogListing>();
        var requests = 0;
        for (var offset = 0; ; offset += PageSize)
        {
            var page = await ebay.ListInventoryItemsAsync(offset, PageSize, cancellationToken);
            requests++;
            var items = page["inventoryItems"] as System.Text.Json.Nodes.JsonArray ?? [];
            foreach (var item in items)
            {
                if ((string?)item?["sku"] is { Length: > 0 } sku)
                {
                    listings.Add(new CatalogListing(new ListingRef(Channel.Ebay, sku), sku, (string?)item["product"]?["title"] ?? sku, sku));
                }
            }

            if (items.Count < PageSize || page["next"] is null)
            {
                break;
            }
        }

        var programs = await ebay.GetOptedInProgramsAsync(cancellationToken);
        requests++;
        if (programs.Contains("OUT_OF_STOCK_CONTROL", StringComparer.Ordinal))
        {
            await alerts.ClearAsync(AlertKind.ChannelLimit, OutOfStockControlAlertKey, cancellationToken);
        }
        else
        {
            logger.LogWarning("The eBay seller has no Out-of-Stock Control: a variation FuncSync brings to 0 is removed from its listing");
            await alerts.RaiseAsync(
                AlertKind.ChannelLimit,
                OutOfStockControlAlertKey,
                "eBay's Out-of-Stock Control is off for this seller: when FuncSync or a sale brings a listing to 0, eBay removes the variation (or ends the listing), and later quantity updates of that SKU fail with \"SKU mismatch\".",
                null,
                new AlertAdvice("Ebay", "In eBay's Seller Hub, open Account settings > Business policies / Selling preferences and turn on \"Out-of-stock option\"; relist any variation eBay removed."),
                cancellationToken);
        }

        return new ChannelCatalog(Channel.Ebay, listings, requests);
    }
}
