using FuncSync.Domain.Costing;
using FuncSync.Domain.Ledger;

namespace FuncSync.Domain.Tests.Costing;

public sealed class UnitCostTests
{
    private static readonly Dictionary<string, (decimal? Own, IReadOnlyList<Component> Parts)> Catalogue = new()
    {
        ["CHAIN-40"] = (3.20m, []),
        ["PENDANT-MOON"] = (8.75m, []),
        ["BEAD"] = (0.15m, []),
        ["NOCOST"] = (null, []),
        ["NECK-SET"] = (null, [new("CHAIN-40", 1), new("PENDANT-MOON", 1)]),
    };

    private static (decimal? Own, IReadOnlyList<Component> Parts)? Lookup(string sku) => Catalogue.TryGetValue(sku, out var found) ? found : null;

    [Fact]
    public void Of_PlainSku_ItsOwnFigure()
    {
        Assert.Equal(3.20m, UnitCost.Of(3.20m, [], Lookup));
        Assert.Null(UnitCost.Of(null, [], Lookup));
    }

    [Fact]
    public void Of_Bundle_ComponentsTimesUnitsPlusItsOwnExtra()
    {
        Assert.Equal(11.95m, UnitCost.Of(null, [new("CHAIN-40", 1), new("PENDANT-MOON", 1)], Lookup));
        Assert.Equal(3.20m + (0.15m * 40) + 1.50m, UnitCost.Of(1.50m, [new("CHAIN-40", 1), new("BEAD", 40)], Lookup));
    }

    [Fact]
    public void Of_BundleOfABundle_AddsUpAllTheWayDown()
    {
        Assert.Equal((11.95m * 2) + 0.15m, UnitCost.Of(null, [new("NECK-SET", 2), new("BEAD", 1)], Lookup));
    }

    [Fact]
    public void Of_AComponentWithoutCost_Unknown()
    {
        Assert.Null(UnitCost.Of(2m, [new("CHAIN-40", 1), new("NOCOST", 1)], Lookup));
        Assert.Null(UnitCost.Of(2m, [new("GONE", 1)], Lookup));
    }
}
