namespace FuncSync.Domain.Pausing;

/// <summary>The seller took some stock off some channels until further notice (a holiday, a risky one-off, a
/// market day when the stall should have the stock). While it stands, those channels show 0 for the SKUs it
/// covers; resuming gives them back exactly what the allocation says.</summary>
/// <param name="Skus">The SKUs paused; with no <paramref name="SkuPrefix"/>, no SKUs and no <see cref="Tag"/>, the whole shop.</param>
/// <param name="SkuPrefix">Every SKU starting with it (a product family, a shelf).</param>
/// <param name="Channels">The channels paused, by name.</param>
/// <param name="By">Who paused, as they gave it.</param>
/// <param name="Reason">Why, in the seller's words.</param>
public sealed record ChannelPause(string Id, IReadOnlyList<string> Skus, string? SkuPrefix, IReadOnlyList<string> Channels, string By, string Reason, DateTimeOffset At)
{
    /// <summary>Every SKU carrying this tag (a collection, a season's drop), compared without case as the SKU map
    /// compares tags; whatever carries it when a push decides, so a SKU tagged later is paused too.</summary>
    public string? Tag { get; init; }

    public bool IsWholeShop => Skus.Count == 0 && string.IsNullOrEmpty(SkuPrefix) && string.IsNullOrEmpty(Tag);

    /// <param name="tags">The SKU's tags.</param>
    public bool Covers(string sku, IReadOnlyCollection<string> tags) =>
        IsWholeShop
        || Skus.Contains(sku, StringComparer.Ordinal)
        || (SkuPrefix is { Length: > 0 } prefix && sku.StartsWith(prefix, StringComparison.Ordinal))
        || (Tag is { Length: > 0 } tag && tags.Contains(tag, StringComparer.OrdinalIgnoreCase));

    /// <summary>The channels paused for <paramref name="sku"/> (tagged <paramref name="tags"/>) by any of <paramref name="pauses"/>.</summary>
    public static IReadOnlySet<string> PausedChannels(IEnumerable<ChannelPause> pauses, string sku, IReadOnlyCollection<string> tags)
    {
        ArgumentNullException.ThrowIfNull(pauses);
        return pauses.Where(p => p.Covers(sku, tags)).SelectMany(p => p.Channels).ToHashSet(StringComparer.OrdinalIgnoreCase);
    }
}
