using System.Globalization;
using FuncSync.Alerts;
using FuncSync.Catalog;
using FuncSync.Domain;
using FuncSync.Domain.Reconciliation;
using FuncSync.Ledger;

namespace FuncSync.Mapping;

/// <summary>The mapping audit, one code path for the daily run, the on-demand run and a channel's product-change
/// notice: a listing the channel sells that the SKU map lacks raises UnmappedListing, a map entry pointing at a listing
/// the channel no longer has raises MissingListing, and either clears itself once fixed. The unmapped alert's key is
/// the one a parked sale of that listing raises, so an unmapped variant that also sells is still one alert.</summary>
public sealed class MappingAuditor(
    SkuMapStore map,
    IEnumerable<IChannelCatalogReader> readers,
    Reconciliation.ReportBlobs audits,
    AlertSender alerts,
    TimeProvider time,
    ILogger<MappingAuditor> logger)
{
    /// <summary>The alert key of a listing nobody mapped; <see cref="InventoryEventApplier"/> parks its sales under the same one.</summary>
    public static string UnmappedKey(ListingRef listing) => $"unmapped:{listing.Channel}:{listing.Key}";

    public static string MissingKey(ListingRef listing) => $"missing:{listing.Channel}:{listing.Key}";

    /// <summary>Every channel against the whole SKU map.</summary>
    public async Task<MappingAuditReport> AuditAsync(CancellationToken cancellationToken)
    {
        var startedAt = time.GetUtcNow();
        var mappings = await AllAsync(cancellationToken);
        var previous = await audits.GetMappingAuditAsync(cancellationToken);
        var unmapped = new List<UnmappedListingFound>();
        var missing = new List<MissingListingFound>();
        var requests = new Dictionary<Channel, int>();
        foreach (var reader in readers)
        {
            var catalog = await reader.ReadAsync(cancellationToken);
            requests[reader.Channel] = catalog.Requests;
            var mapped = mappings.Where(m => m.Channels.Contains(reader.Channel)).ToList();
            var wasFlagged = (previous?.Unmapped.Where(u => u.Channel == reader.Channel).Select(u => new ListingRef(u.Channel, u.Listing)) ?? [])
                .Concat(previous?.Missing.Where(m => m.Channel == reader.Channel).Select(m => new ListingRef(m.Channel, m.Listing)) ?? []);
            var (u, m) = await AuditScopeAsync(reader.Channel, catalog.Listings, mapped, wasFlagged, cancellationToken);
            unmapped.AddRange(u);
            missing.AddRange(m);
        }

        var report = new MappingAuditReport(startedAt, time.GetUtcNow(), unmapped, missing, requests);
        await audits.SaveMappingAuditAsync(report, cancellationToken);
        logger.LogInformation("Mapping audit: {Unmapped} unmapped listings, {Missing} map entries to missing listings", unmapped.Count, missing.Count);
        return report;
    }

    /// <summary>A channel reported one product's current listings (Shopify products/update): audit that product only.</summary>
    public async Task AuditProductAsync(Channel channel, string productId, IReadOnlyList<CatalogListing> present, CancellationToken cancellationToken)
    {
        var mappings = await AllAsync(cancellationToken);
        var inProduct = mappings.Where(m => channel == Channel.Shopify
            ? m.Shopify?.ProductId?.ToString(CultureInfo.InvariantCulture) == productId
            : m.Etsy?.ListingId.ToString(CultureInfo.InvariantCulture) == productId).ToList();

        // Whatever was fine in this product may have been flagged before: clearing is cheap for a handful of variants.
        var inScope = present.Select(p => p.Listing).Concat(inProduct.Select(m => m.ListingOn(channel)));
        await AuditScopeAsync(channel, present, inProduct, inScope, cancellationToken);
    }

    private async Task<(List<UnmappedListingFound>, List<MissingListingFound>)> AuditScopeAsync(
        Channel channel, IReadOnlyList<CatalogListing> present, IReadOnlyList<SkuMapping> mapped, IEnumerable<ListingRef> clearCandidates, CancellationToken cancellationToken)
    {
        var byListing = present.GroupBy(p => p.Listing).ToDictionary(g => g.Key, g => g.First());
        var skuOf = mapped.ToDictionary(m => m.ListingOn(channel), m => m.Sku);
        var (unmappedKeys, missingKeys) = CatalogComparison.Compare(byListing.Keys, skuOf.Keys);
        var unmapped = new List<UnmappedListingFound>();
        foreach (var key in unmappedKeys)
        {
            var listing = byListing[key];
            unmapped.Add(new UnmappedListingFound(channel, key.Key, listing.Sku, listing.Title));
            await alerts.RaiseAsync(
                AlertKind.UnmappedListing,
                UnmappedKey(key),
                string.Create(CultureInfo.InvariantCulture, $"{channel} listing {key.Key} (SKU '{listing.Sku}') of '{listing.Title}' ({listing.Parent}) is not in the SKU map: its sales will be parked until it is mapped."),
                null,
                cancellationToken);
        }

        var missing = new List<MissingListingFound>();
        foreach (var key in missingKeys)
        {
            missing.Add(new MissingListingFound(skuOf[key], channel, key.Key));
            await alerts.RaiseAsync(
                AlertKind.MissingListing,
                MissingKey(key),
                $"{skuOf[key]} is mapped to {channel} listing {key.Key}, which {channel} no longer has: its quantity cannot be pushed.",
                skuOf[key],
                cancellationToken);
        }

        var flagged = unmappedKeys.Concat(missingKeys).ToHashSet();
        foreach (var fine in clearCandidates.Distinct().Where(k => !flagged.Contains(k)))
        {
            await alerts.ClearAsync(AlertKind.UnmappedListing, UnmappedKey(fine), cancellationToken);
            await alerts.ClearAsync(AlertKind.MissingListing, MissingKey(fine), cancellationToken);
        }

        return (unmapped, missing);
    }

    private async Task<List<SkuMapping>> AllAsync(CancellationToken cancellationToken)
    {
        var mappings = new List<SkuMapping>();
        await foreach (var mapping in map.ListAsync(cancellationToken))
        {
            mappings.Add(mapping);
        }

        return mappings;
    }
}

/// <summary>What <c>POST /api/mappings/audit</c> answers.</summary>
public sealed record MappingAuditReport(
    DateTimeOffset StartedAt,
    DateTimeOffset FinishedAt,
    IReadOnlyList<UnmappedListingFound> Unmapped,
    IReadOnlyList<MissingListingFound> Missing,
    IReadOnlyDictionary<Channel, int> Requests);

public sealed record UnmappedListingFound(Channel Channel, string Listing, string? Sku, string Title);

public sealed record MissingListingFound(string Sku, Channel Channel, string Listing);
