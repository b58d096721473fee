using FuncSync.Square;

namespace FuncSync.App.Tests.Square;

/// <summary>Where a write of a difference lands across a seller's locations.</summary>
public sealed class SquareInventoryTests
{
    private static readonly SquareCount[] Counts = [new("V", "SHOP", 2, null), new("V", "STALL", 5, null)];

    [Fact]
    public void Plan_Rise_GoesToSellFromLocationElseTheFirst()
    {
        Assert.Equal([("STALL", 3)], SquareInventory.Plan(Counts, 3, "STALL"));
        Assert.Equal([("SHOP", 3)], SquareInventory.Plan(Counts, 3, null));
    }

    [Fact]
    public void Plan_Fall_TakenFromTheLocationWithMostUnitsFirst()
    {
        Assert.Equal([("STALL", -5), ("SHOP", -1)], SquareInventory.Plan(Counts, -6, null));
    }

    [Fact]
    public void Plan_Fall_TakenFromSellFromLocationFirst()
    {
        Assert.Equal([("SHOP", -2), ("STALL", -1)], SquareInventory.Plan(Counts, -3, "SHOP"));
    }

    [Fact]
    public void Plan_FallBeyondEveryUnit_RestComesOffTheFirstCandidate()
    {
        Assert.Equal([("STALL", -6), ("SHOP", -2)], SquareInventory.Plan(Counts, -8, null));
    }
}
