namespace FuncSync.Domain.Allocation;

/// <summary>A drop the seller announced: while it runs, its SKUs are allocated strictly, whatever their
/// velocity says (a drop starts before its velocity has risen, which is when protection matters most);
/// afterwards they return to the seller's rule.</summary>
/// <param name="Skus">The SKUs of the drop, by exact name.</param>
/// <param name="SkuPrefix">Every SKU whose name starts with this (a collection's naming), or null.</param>
public sealed record ScheduledLaunch(string Id, string Name, IReadOnlyList<string> Skus, string? SkuPrefix, DateTimeOffset Start, TimeSpan Duration)
{
    /// <summary>How far ahead a launch can start and how long it can run: its edges travel as delayed
    /// queue messages, which wait at most 7 days.</summary>
    public static readonly TimeSpan MaxHorizon = TimeSpan.FromDays(7);

    /// <summary>Every SKU carrying this tag in the SKU map (a collection, a drop), or null.</summary>
    public string? Tag { get; init; }

    public DateTimeOffset End => Start + Duration;

    public bool IsRunning(DateTimeOffset now) => now >= Start && now < End;

    /// <param name="tags">The SKU's tags in the SKU map.</param>
    public bool Covers(string sku, IEnumerable<string> tags) =>
        Skus.Contains(sku, StringComparer.Ordinal)
        || (SkuPrefix is { Length: > 0 } prefix && sku.StartsWith(prefix, StringComparison.Ordinal))
        || (Tag is { Length: > 0 } tag && tags.Contains(tag, StringComparer.OrdinalIgnoreCase));

    /// <summary>What is wrong with the launch as announced at <paramref name="now"/>; null when nothing is.</summary>
    public string? Problem(DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(Name) || Name.Length > 100)
        {
            return "A launch needs a name of 1 to 100 characters.";
        }

        if (Skus.Count == 0 && string.IsNullOrEmpty(SkuPrefix) && string.IsNullOrEmpty(Tag))
        {
            return "A launch needs SKUs, a SKU prefix or a tag.";
        }

        if (Skus.Count > 500 || Skus.Any(string.IsNullOrWhiteSpace))
        {
            return "A launch names at most 500 SKUs, none of them empty.";
        }

        if (Duration <= TimeSpan.Zero || Duration > MaxHorizon)
        {
            return "A launch lasts more than 0 and at most 7 days.";
        }

        if (End <= now || Start > now + MaxHorizon)
        {
            return "A launch must not be over already and must start within the next 7 days.";
        }

        return null;
    }
}
