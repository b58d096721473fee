using FuncSync.Domain.Allocation;

namespace FuncSync.Domain.Tests.Allocation;

public sealed class ChannelAllocationTests
{
    [Theory]
    [InlineData(5, 5)]
    [InlineData(1, 1)]
    [InlineData(0, 0)]
    [InlineData(-2, 0)]
    public void QuantityToShow_NeverNegative(int available, int shown)
    {
        Assert.Equal(shown, ChannelAllocation.QuantityToShow(available));
    }
}
