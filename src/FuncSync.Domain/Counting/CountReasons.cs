namespace FuncSync.Domain.Counting;

/// <summary>What the seller says explains a count's difference, picked when reviewing it.</summary>
public static class CountReasons
{
    public static readonly IReadOnlyList<string> All = ["damaged", "lost", "stolen", "found", "miscounted", "unrecorded-sale", "unrecorded-receipt", "other"];

    /// <summary>Reasons that say the shelf really changed (shrinkage); "miscounted" says the count was wrong.</summary>
    public static bool IsShrinkage(string reason) => reason is not "miscounted";
}
