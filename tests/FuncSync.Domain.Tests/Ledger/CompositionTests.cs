using FsCheck;
using FsCheck.Fluent;
using FuncSync.Domain.Ledger;

namespace FuncSync.Domain.Tests.Ledger;

public sealed class CompositionTests
{
    private static readonly Component[] Set = [new("CHAIN", 1), new("BEAD", 3)];

    [Theory]
    [InlineData(5, 9, 3)]
    [InlineData(2, 9, 2)]
    [InlineData(5, 2, 0)]
    [InlineData(5, -1, -1)]
    [InlineData(-3, 9, -3)]
    public void Available_MinOfFlooredParts(int chains, int beads, int sets)
    {
        var stock = new Dictionary<string, int> { ["CHAIN"] = chains, ["BEAD"] = beads };

        Assert.Equal(sets, Composition.Available(Set, sku => stock[sku]));
    }

    [Fact]
    public void Consumption_PartListedTwice_SummedIntoOneMove()
    {
        var moves = Composition.Consumption([new("BEAD", 2), new("CHAIN", 1), new("BEAD", 1)], 2);

        Assert.Equal([("BEAD", 6), ("CHAIN", 2)], moves);
    }

    [Fact]
    public void Validate_SelfReferenceOrZeroPerUnit_Refused()
    {
        Assert.Throws<StockRuleException>(() => Composition.Validate("SET", [new("SET", 1)]));
        Assert.Throws<StockRuleException>(() => Composition.Validate("SET", [new("BEAD", 0)]));
    }

    [Fact]
    public void SellingSets_AvailabilityAlwaysEqualsFormula()
    {
        // Property: after any sequence of set sales and part restocks, the derived figure is the
        // formula over the parts, and selling k sets with enough parts lowers it by exactly k.
        var steps = Gen.Elements("sell", "chain", "bead").Zip(Gen.Choose(1, 4)).ListOf();
        var property = Prop.ForAll(steps.ToArbitrary(), list =>
        {
            var stock = new Dictionary<string, int> { ["CHAIN"] = 10, ["BEAD"] = 30 };
            foreach (var (step, n) in list)
            {
                var before = Composition.Available(Set, sku => stock[sku]);
                if (step == "sell")
                {
                    foreach (var (sku, units) in Composition.Consumption(Set, n))
                    {
                        stock[sku] = StockRules.Apply(new StockLevel(stock[sku]), InventoryEventKind.Sale, units).After.Available;
                    }

                    if (before >= n && Composition.Available(Set, sku => stock[sku]) != before - n)
                    {
                        return false;
                    }
                }
                else
                {
                    var sku = step == "chain" ? "CHAIN" : "BEAD";
                    stock[sku] += n;
                }

                var expected = Math.Min((int)Math.Floor(stock["CHAIN"] / 1.0), (int)Math.Floor(stock["BEAD"] / 3.0));
                if (Composition.Available(Set, sku => stock[sku]) != expected)
                {
                    return false;
                }
            }

            return true;
        });

        Check.One(Config.QuickThrowOnFailure.WithReplay(2026UL, 17UL), property);
    }
}
