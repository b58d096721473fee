using FuncSync.Push;

namespace FuncSync.App.Tests.Push;

public sealed class ThrottleBackoffTests
{
    [Theory]
    [InlineData(0, 1.0)]
    [InlineData(1, 2.0)]
    [InlineData(2, 4.0)]
    [InlineData(3, 8.0)]
    [InlineData(4, 15.0)]
    [InlineData(40, 15.0)]
    public void Delay_NoRetryAfter_DoublesFromOneSecondUpToTheCapWithinTwentyPercent(int throttled, double seconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(seconds * 0.8), ThrottleBackoff.Delay(throttled, null, 0));
        Assert.Equal(TimeSpan.FromSeconds(seconds), ThrottleBackoff.Delay(throttled, null, 0.5));
        Assert.InRange(ThrottleBackoff.Delay(throttled, null, 0.999999), TimeSpan.FromSeconds(seconds * 1.19), TimeSpan.FromSeconds(seconds * 1.2));
    }

    [Fact]
    public void Delay_RetryAfter_NeverEarlierThanAskedAtMostAFifthLater()
    {
        Assert.Equal(TimeSpan.FromSeconds(30), ThrottleBackoff.Delay(0, TimeSpan.FromSeconds(30), 0));
        Assert.Equal(TimeSpan.FromSeconds(33), ThrottleBackoff.Delay(7, TimeSpan.FromSeconds(30), 0.5));
    }

    [Fact]
    public void Delay_AbsurdRetryAfter_LooksAgainWithinTheHour()
    {
        Assert.Equal(ThrottleBackoff.MaxRetryAfter, ThrottleBackoff.Delay(0, TimeSpan.FromDays(30), 0));
    }

    [Fact]
    public void Delay_JitterOutOfRange_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ThrottleBackoff.Delay(0, null, 1.0));
    }
}
