namespace FuncSync.Domain.Counting;

/// <summary>What a shelf count found against what the ledger expected on the shelf at that moment (received − shipped
/// − written off since the last count: the ledger's on hand just before the count).</summary>
/// <param name="Expected">On hand the ledger held at the moment of the count.</param>
/// <param name="Counted">What the seller counted.</param>
public sealed record CountVariance(int Expected, int Counted)
{
    /// <summary>A difference above this share of what was expected asks the seller for a reason.</summary>
    public const double ReviewAbove = 0.05;

    /// <summary>Counted − expected: negative is stock gone missing, positive stock found.</summary>
    public int Units => Counted - Expected;

    /// <summary><see cref="Units"/> as a share of <see cref="Expected"/>; null when nothing was expected.</summary>
    public double? Percent => Expected == 0 ? null : (double)Units / Expected;

    /// <summary>A count the seller should explain. Any difference above 5 % of the expected figure; and any difference
    /// at all where nothing was expected (no percentage exists: every found unit is a surprise). On a SKU of one or
    /// two units a single unit is already 50–100 %, so every difference there is reviewed too; 5 % of 20 is one
    /// unit, so below 20 units any difference is.</summary>
    public bool NeedsReview => Units != 0 && (Expected <= 0 || Math.Abs((double)Units) > ReviewAbove * Expected);
}
