using FuncSync.Domain.Ledger;
using FuncSync.Ledger;

namespace FuncSync.App.Tests.Ledger;

public sealed class OrderLinesTests
{
    private static StockChange Change(int before, int after) => new(new StockLevel(before), new StockLevel(after));

    [Theory]
    [InlineData(3, 2, 0)]
    [InlineData(1, 2, 1)]
    [InlineData(0, 2, 2)]
    [InlineData(-1, 2, 2)]
    public void Oversold_PlainSku_UnitsTheStockDidNotCover(int before, int sold, int expected) =>
        Assert.Equal(expected, OrderLines.Oversold(sold, [(sold, Change(before, before - sold))]));

    [Fact]
    public void Oversold_Bundle_PiecesItsScarcestPartCouldNotMake()
    {
        // Three sets of one chain and four beads each: chains cover all three, beads only two sets (8 of 12).
        var sold = OrderLines.Oversold(3, [(3, Change(5, 2)), (12, Change(8, -4))]);

        Assert.Equal(1, sold);
    }
}
