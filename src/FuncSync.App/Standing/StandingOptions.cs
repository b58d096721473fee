namespace FuncSync.Standing;

/// <summary>The <c>Standing</c> settings: the cancellation rate each channel holds sellers to.</summary>
public sealed class StandingOptions
{
    public const string Section = "Standing";

    /// <summary>Per channel (display name), the highest cancellation rate that keeps the seller's standing, as a
    /// fraction. Etsy's Star Seller programme asks for under 1 % of orders cancelled; a channel without an entry
    /// has no line.</summary>
    public Dictionary<string, double> CancellationThresholds { get; init; } = new(StringComparer.OrdinalIgnoreCase) { ["Etsy"] = 0.01 };

    public bool IsValid() => CancellationThresholds.Values.All(t => t is > 0 and < 1);
}
