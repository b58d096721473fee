using FuncSync.Amazon;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace FuncSync.App.Tests.Amazon;

public sealed class AmazonFeedsTests
{
    [Fact]
    public void Refused_ReportWithMessageErrors_OnlyThoseMessagesWithTheirReasons()
    {
        const string Report = """
            {"header":{"sellerId":"A1","version":"2.0","feedId":"5001"},
             "issues":[{"messageId":2,"code":"90220","severity":"ERROR","message":"SKU 'X' does not exist."},
                       {"messageId":3,"code":"18027","severity":"WARNING","message":"Restock date in the past."}],
             "summary":{"errors":1,"warnings":1,"messagesProcessed":3,"messagesAccepted":2,"messagesInvalid":1}}
            """;

        var refused = AmazonFeeds.Refused(Report, 3);

        var only = Assert.Single(refused);
        Assert.Equal(2, only.Key);
        Assert.Equal("90220: SKU 'X' does not exist.", only.Value);
    }

    [Fact]
    public void Refused_FeedLevelErrorNothingAccepted_EveryMessage()
    {
        const string Report = """
            {"issues":[{"code":"4000","severity":"ERROR","message":"Bad header."}],
             "summary":{"errors":1,"messagesProcessed":0,"messagesAccepted":0,"messagesInvalid":0}}
            """;

        Assert.Equal([1, 2, 3], AmazonFeeds.Refused(Report, 3).Keys.Order());
    }

    [Fact]
    public void CountIsBulk_ThresholdWithinWindow_BulkUntilTheWindowPasses()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-12-02T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var load = new AmazonWriteLoad(Options.Create(new AmazonOptions { FeedThreshold = 3, FeedWindow = TimeSpan.FromSeconds(10) }), time);

        Assert.False(load.CountIsBulk());
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.False(load.CountIsBulk());
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(load.CountIsBulk()); // The third write within 10 s: a bulk.
        Assert.True(load.CountIsBulk());

        time.Advance(TimeSpan.FromSeconds(10)); // A quiet window: single writes go as patches again.
        Assert.False(load.CountIsBulk());
    }
}
