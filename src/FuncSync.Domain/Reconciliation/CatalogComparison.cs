namespace FuncSync.Domain.Reconciliation;

/// <summary>The mapping audit's rule: what a channel sells that the SKU map lacks, and what the map points at that the
/// channel no longer has. Keys are the listings as the channel reports sales.</summary>
public static class CatalogComparison
{
    public static (IReadOnlyList<TKey> Unmapped, IReadOnlyList<TKey> Missing) Compare<TKey>(IEnumerable<TKey> onChannel, IEnumerable<TKey> mapped)
        where TKey : notnull
    {
        var present = onChannel.ToHashSet();
        var known = mapped.ToHashSet();
        return ([.. present.Where(k => !known.Contains(k))], [.. known.Where(k => !present.Contains(k))]);
    }
}
