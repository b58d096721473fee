using FuncSync.Domain.Counting;

namespace FuncSync.Counting;

/// <summary>One shelf count and what it found: the ledger's expected on hand at that moment against the number
/// counted. Written for every count applied, whichever page or script made it.</summary>
/// <param name="Id">Sorts by time: <c>yyyyMMddTHHmmssZ-xxxxxxxx</c>.</param>
/// <param name="EventId">The ledger event of the count.</param>
/// <param name="Round">The counting round it was entered for, if any.</param>
/// <param name="UnitCost">The SKU's unit cost when counted; null when the SKU map gives none.</param>
public sealed record CountRecord(string Id, string Sku, DateTimeOffset At, int Expected, int Counted, string EventId, string? Round, decimal? UnitCost)
{
    public int Variance => Counted - Expected;

    public double? VariancePercent => new CountVariance(Expected, Counted).Percent;

    public bool NeedsReview => new CountVariance(Expected, Counted).NeedsReview;

    /// <summary>Flagged and nobody has given a reason yet.</summary>
    public bool AwaitingReview => NeedsReview && Reason is null;

    public string? Reason { get; init; }

    public string? ReviewNote { get; init; }

    public string? ReviewedBy { get; init; }

    public DateTimeOffset? ReviewedAt { get; init; }

    public CountedSku ForReport() => new(Sku, At, Expected, Counted, Reason, UnitCost);
}

/// <summary>A list of SKUs to count, made from named SKUs, a tag, or the week's rotating list.</summary>
/// <param name="Source"><c>skus</c>, <c>tag</c> or <c>week</c>.</param>
public sealed record CountRound(string Id, string Name, IReadOnlyList<string> Skus, string Source, string? Tag, string? Week, string By, DateTimeOffset CreatedAt);

/// <summary>A SKU of a round: where it stands now and what its last count in the round found.</summary>
/// <param name="OnHand">On hand now, as the ledger has it.</param>
/// <param name="Count">The SKU's latest count entered for this round; null until counted.</param>
public sealed record CountRoundLine(string Sku, string Title, int OnHand, CountRecord? Count);

public sealed record CountRoundView(CountRound Round, IReadOnlyList<CountRoundLine> Lines, int Counted, int AwaitingReview);

public sealed record CountRoundList(IReadOnlyList<CountRound> Rounds);

public sealed record CountRecordList(IReadOnlyList<CountRecord> Counts, IReadOnlyList<string> Reasons);

/// <summary>The shrinkage report; <see cref="CostsKnown"/> says whether any counted SKU had a unit cost.</summary>
public sealed record ShrinkageList(IReadOnlyList<ShrinkageMonth> Months, bool CostsKnown);
