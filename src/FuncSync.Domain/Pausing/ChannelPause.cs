namespace FuncSync.Domain.Pausing;

/// <summary>The seller took some stock off some channels until further notice (a holiday, a risky one-off, a
/// market day when the stall should have the stock). While it stands, those channels show 0 for the SKUs it
/// covers; resuming gives them back exactly what the allocation says.</summary>
/// <param name="Skus">The SKUs paused; with no <paramref name="SkuPrefix"/> and no SKUs, the whole shop.</param>
/// <param name="SkuPrefix">Every SKU starting with it (a product family, a shelf).</param>
/// <param name="Channels">The channels paused, by name.</param>
/// <param name="By">Who paused, as they gave it.</param>
/// <param name="Reason">Why, in the seller's words.</param>
public sealed record ChannelPause(string Id, IReadOnlyList<string> Skus, string? SkuPrefix, IReadOnlyList<string> Channels, string By, string Reason, DateTimeOffset At)
{
    public bool IsWholeShop => Skus.Count == 0 && string.IsNullOrEmpty(SkuPrefix);

    public bool Covers(string sku) =>
        IsWholeShop
        || Skus.Contains(sku, StringComparer.Ordinal)
        || (SkuPrefix is { Length: > 0 } prefix && sku.StartsWith(prefix, StringComparison.Ordinal));

    /// <summary>The channels paused for <paramref name="sku"/> by any of <paramref name="pauses"/>.</summary>
    public static IReadOnlySet<string> PausedChannels(IEnumerable<ChannelPause> pauses, string sku)
    {
        ArgumentNullException.ThrowIfNull(pauses);
        return pauses.Where(p => p.Covers(sku)).SelectMany(p => p.Channels).ToHashSet(StringComparer.OrdinalIgnoreCase);
    }
}
