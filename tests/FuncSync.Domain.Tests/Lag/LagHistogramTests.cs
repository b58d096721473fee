using FuncSync.Domain.Lag;

namespace FuncSync.Domain.Tests.Lag;

public sealed class LagHistogramTests
{
    [Fact]
    public void Percentile_NoSamples_Null() => Assert.Null(new LagHistogram().PercentileMilliseconds(95));

    [Theory]
    [InlineData(50)]
    [InlineData(95)]
    [InlineData(99)]
    public void Percentile_SeededLogNormalSamples_WithinHalfABinOfExact(double percent)
    {
        var random = new Random(7);
        var samples = Enumerable.Range(0, 5000).Select(_ => Math.Exp(4 + (2 * Gaussian(random)))).ToArray();
        var histogram = new LagHistogram();
        foreach (var ms in samples)
        {
            histogram.Add(TimeSpan.FromMilliseconds(ms));
        }

        var sorted = samples.Order().ToArray();
        var exact = sorted[(int)Math.Ceiling(percent / 100 * sorted.Length) - 1];
        Assert.InRange(histogram.PercentileMilliseconds(percent)!.Value, exact / 1.05, exact * 1.05);
    }

    [Fact]
    public void Merge_TwoBuckets_SameAsOneHistogramOfAll()
    {
        var (a, b, all) = (new LagHistogram(), new LagHistogram(), new LagHistogram());
        foreach (var ms in new[] { 3.0, 40, 900, 12_000 })
        {
            a.Add(TimeSpan.FromMilliseconds(ms));
            all.Add(TimeSpan.FromMilliseconds(ms));
        }

        foreach (var ms in new[] { 7.0, 70_000 })
        {
            b.Add(TimeSpan.FromMilliseconds(ms));
            all.Add(TimeSpan.FromMilliseconds(ms));
        }

        a.Merge(b);

        Assert.Equal(all.Serialize(), a.Serialize());
        Assert.Equal(6, a.Count);
    }

    [Fact]
    public void Parse_SerializedHistogram_RoundTrips()
    {
        var histogram = new LagHistogram();
        histogram.Add(TimeSpan.FromMilliseconds(0.2));
        histogram.Add(TimeSpan.FromSeconds(15));
        histogram.Add(TimeSpan.FromDays(3));

        var copy = LagHistogram.Parse(histogram.Serialize());

        Assert.Equal(histogram.Serialize(), copy.Serialize());
        Assert.Equal(TimeSpan.FromDays(3).TotalMilliseconds, copy.PercentileMilliseconds(100));
    }

    [Fact]
    public void Parse_Garbage_FormatException() => Assert.Throws<FormatException>(() => LagHistogram.Parse("12"));

    [Fact]
    public void IsBreached_P95AboveObjective_TrueThenFalseOnceBackUnder()
    {
        var objective = new LagObjective(Channel.Shopify, TimeSpan.FromSeconds(5));
        var slow = new LagHistogram();
        slow.Add(TimeSpan.FromSeconds(30));
        var fast = new LagHistogram();
        fast.Add(TimeSpan.FromMilliseconds(200));

        Assert.True(objective.IsBreached(slow));
        Assert.False(objective.IsBreached(fast));
        Assert.Null(objective.IsBreached(new LagHistogram()));
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
