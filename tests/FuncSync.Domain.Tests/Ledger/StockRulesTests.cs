using FsCheck;
using FsCheck.Fluent;
using FuncSync.Domain.Ledger;

namespace FuncSync.Domain.Tests.Ledger;

public sealed class StockRulesTests
{
    [Fact]
    public void Apply_Sale_SubtractsQuantity()
    {
        var change = StockRules.Apply(5, InventoryEventKind.Sale, 2);

        Assert.Equal(new StockChange(5, 3), change);
        Assert.Equal(-2, change.Delta);
        Assert.False(change.IsOversell);
    }

    [Fact]
    public void Apply_Count_SetsAbsoluteQuantity()
    {
        var change = StockRules.Apply(5, InventoryEventKind.Count, 8);

        Assert.Equal(8, change.After);
        Assert.Equal(3, change.Delta);
    }

    [Fact]
    public void Apply_SaleOfMoreThanAvailable_KeepsNegativeTruthAndFlagsOversell()
    {
        var change = StockRules.Apply(1, InventoryEventKind.Sale, 2);

        Assert.Equal(-1, change.After);
        Assert.True(change.IsOversell);
    }

    [Fact]
    public void Apply_CountBelowZeroStock_IsNotAnOversell()
    {
        Assert.False(StockRules.Apply(-1, InventoryEventKind.Count, 0).IsOversell);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(StockRules.MaxQuantityPerEvent + 1)]
    public void Apply_QuantityOutOfRange_Throws(int quantity)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => StockRules.Apply(0, InventoryEventKind.Sale, quantity));
    }

    [Fact]
    public void Apply_SalesFromAnyStart_EndAtStartMinusTotal()
    {
        var property = Prop.ForAll(
            Gen.Choose(-50, 1000).ToArbitrary(),
            Gen.Choose(0, 20).ListOf().ToArbitrary(),
            (start, sales) =>
            {
                var available = sales.Aggregate(start, (a, q) => StockRules.Apply(a, InventoryEventKind.Sale, q).After);
                return available == start - sales.Sum();
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
                var available = sales.Aggregate(7, (a, q) => StockRules.Apply(a, InventoryEventKind.Sale, q).After);
                return StockRules.Apply(available, InventoryEventKind.Count, counted).After == counted;
            });

        Check.One(Config.QuickThrowOnFailure.WithReplay(2026UL, 13UL), property);
    }
}
