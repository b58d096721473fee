using FuncSync.Domain.Text;

namespace FuncSync.Domain.Tests.Text;

public sealed class HumanDurationTests
{
    [Theory]
    [InlineData(0.85, "850 ms")]
    [InlineData(17.3389524, "17.3 s")]
    [InlineData(74.283, "1 min 14 s")]
    [InlineData(120, "2 min")]
    [InlineData(7500, "2 h 5 min")]
    [InlineData(273600, "3 d 4 h")]
    [InlineData(-5, "-5 s")]
    public void Format_Seconds_ReadsAsAPersonWouldSayIt(double seconds, string expected) =>
        Assert.Equal(expected, HumanDuration.Format(TimeSpan.FromSeconds(seconds)));
}
