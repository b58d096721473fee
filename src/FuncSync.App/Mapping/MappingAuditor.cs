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
        var inProduct = mappings.Where(m => m.On(channel)?.Parent == productId).ToList();

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
                new AlertAdvice(channel.ToString(), $"Map it to a SKU on the Mappings page (or in the SKU-map CSV); parked sales are applied as soon as it is mapped."),
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
                new AlertAdvice(channel.ToString(), $"Relist it on {channel} and update its row on the Mappings page, or remove {channel} from {skuOf[key]}'s row if it is no longer sold there."),
                cancellationToken);
        }

        await CheckGuardsAsync(channel, byListing, skuOf, cancellationToken);
        var flagged = unmappedKeys.Concat(missingKeys).ToHashSet();
        foreach (var fine in clearCandidates.Distinct().Where(k => !flagged.Contains(k)))
        {
            await alerts.ClearAsync(AlertKind.UnmappedListing, UnmappedKey(fine), cancellationToken);
            await alerts.ClearAsync(AlertKind.MissingListing, MissingKey(fine), cancellationToken);
        }

        return (unmapped, missing);
    }

    /// <summary>A mapped listing the channel keeps selling at 0 (stock not tracked, or selling past zero allowed) makes
    /// every 0 FuncSync writes there an empty promise: alerted, with the offer to let FuncSync switch the guard on;
    /// cleared once it holds.</summary>
    private async Task CheckGuardsAsync(Channel channel, Dictionary<ListingRef, CatalogListing> present, Dictionary<ListingRef, string> skuOf, CancellationToken cancellationToken)
    {
        foreach (var (key, sku) in skuOf)
        {
            if (!present.TryGetValue(key, out var listing) || listing.Guard is not { } guard)
            {
                continue;
            }

            if (guard.Holds)
            {
                await alerts.ClearAsync(AlertKind.SellsPastZero, GuardKey(key), cancellationToken);
                continue;
            }

            var why = (guard.Tracked, guard.SellsPastZero) switch
            {
                (false, true) => "does not track its stock and keeps selling when out of stock",
                (false, _) => "does not track its stock",
                _ => "keeps selling when out of stock",
            };
            await alerts.RaiseAsync(
                AlertKind.SellsPastZero,
                GuardKey(key),
                string.Create(CultureInfo.InvariantCulture, $"{sku} on {channel} (listing {key.Key}) {why}: it sells at 0 whatever FuncSync writes. {guard.Remedy}"),
                sku,
                cancellationToken);
        }
    }

    public static string GuardKey(ListingRef listing) => $"sells-past-zero:{listing.Channel}:{listing.Key}";

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
