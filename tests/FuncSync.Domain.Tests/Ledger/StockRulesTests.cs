using FsCheck;
using FsCheck.Fluent;
using FuncSync.Domain.Ledger;

namespace FuncSync.Domain.Tests.Ledger;

public sealed class StockRulesTests
{
    private static readonly InventoryEventKind[] CommutingKinds =
        [InventoryEventKind.Sale, InventoryEventKind.Cancellation, InventoryEventKind.Return, InventoryEventKind.Receipt, InventoryEventKind.Adjustment];

    [Theory]
    [InlineData(InventoryEventKind.Sale, 2, 3)]
    [InlineData(InventoryEventKind.Cancellation, 2, 7)]
    [InlineData(InventoryEventKind.Return, 2, 7)]
    [InlineData(InventoryEventKind.Receipt, 2, 7)]
    [InlineData(InventoryEventKind.Adjustment, -2, 3)]
    [InlineData(InventoryEventKind.Adjustment, 2, 7)]
    [InlineData(InventoryEventKind.Count, 8, 8)]
    public void Apply_EachKind_MovesAvailable(InventoryEventKind kind, int units, int after)
    {
        Assert.Equal(after, StockRules.Apply(new StockLevel(5), kind, units).After.Available);
    }

    [Fact]
    public void Apply_ReturnHeldForInspection_AvailableUnchangedPendingUp()
    {
        var change = StockRules.Apply(new StockLevel(5), InventoryEventKind.Return, 2, ReturnDisposition.Inspect);

        Assert.Equal(new StockLevel(5, 2), change.After);
        Assert.Equal(0, change.Delta);
    }

    [Fact]
    public void Apply_InspectionOutcomes_MovePendingToAvailableOrAway()
    {
        Assert.Equal(new StockLevel(6, 1), StockRules.Apply(new StockLevel(5, 2), InventoryEventKind.InspectionRestocked, 1).After);
        Assert.Equal(new StockLevel(5, 1), StockRules.Apply(new StockLevel(5, 2), InventoryEventKind.InspectionWrittenOff, 1).After);
    }

    [Fact]
    public void Apply_ResolvingMoreThanPending_Refused()
    {
        var error = Assert.Throws<StockRuleException>(() => StockRules.Apply(new StockLevel(5, 1), InventoryEventKind.InspectionRestocked, 2));

        Assert.Contains("Only 1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Apply_SaleOfMoreThanAvailable_KeepsNegativeTruthAndFlagsOversell()
    {
        var change = StockRules.Apply(new StockLevel(1), InventoryEventKind.Sale, 2);

        Assert.Equal(-1, change.After.Available);
        Assert.True(change.IsOversell);
    }

    [Fact]
    public void Apply_CountBelowZeroStock_IsNotAnOversell()
    {
        Assert.False(StockRules.Apply(new StockLevel(-1), InventoryEventKind.Count, 0).IsOversell);
    }

    [Theory]
    [InlineData(InventoryEventKind.Sale, -1)]
    [InlineData(InventoryEventKind.Count, -1)]
    [InlineData(InventoryEventKind.Sale, StockRules.MaxQuantityPerEvent + 1)]
    [InlineData(InventoryEventKind.Adjustment, -StockRules.MaxQuantityPerEvent - 1)]
    public void Apply_QuantityOutOfRange_Refused(InventoryEventKind kind, int units)
    {
        Assert.Throws<StockRuleException>(() => StockRules.Apply(default, kind, units));
    }

    [Fact]
    public void Apply_CommutingKindsInAnyOrder_SameEnd()
    {
        var events = Gen.Elements(CommutingKinds).Zip(Gen.Choose(0, 20)).ListOf();
        var property = Prop.ForAll(
            events.ToArbitrary(),
            Gen.Choose(0, 1000).ToArbitrary(),
            (list, seed) =>
            {
                var shuffled = list.OrderBy(_ => new Random(seed).Next()).ToList();
                return Run(list) == Run(shuffled);
            });

        Check.One(Config.QuickThrowOnFailure.WithReplay(2026UL, 11UL), property);
    }

    [Fact]
    public void Apply_CountAfterAnySales_ForgetsThem()
    {
        var property = Prop.ForAll(
            Gen.Choose(0, 20).ListOf().ToArbitrary(),
            Gen.Choose(0, 500).ToArbitrary(),
            (sales, counted) =>
            {
                var level = sales.Aggregate(new StockLevel(7), (l, q) => StockRules.Apply(l, InventoryEventKind.Sale, q).After);
                return StockRules.Apply(level, InventoryEventKind.Count, counted).After.Available == counted;
            });

        Check.One(Config.QuickThrowOnFailure.WithReplay(2026UL, 13UL), property);
    }

    [Fact]
    public void Commutes_OnlyCountDependsOnOrder()
    {
        Assert.All(CommutingKinds, k => Assert.True(StockRules.Commutes(k)));
        Assert.False(StockRules.Commutes(InventoryEventKind.Count));
    }

    private static StockLevel Run(IEnumerable<(InventoryEventKind Kind, int Units)> events) =>
        events.Aggregate(new StockLevel(50), (level, e) => StockRules.Apply(level, e.Kind, e.Units).After);
}
