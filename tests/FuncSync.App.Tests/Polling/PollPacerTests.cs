using FuncSync.Domain;
using FuncSync.Polling;
using Microsoft.Extensions.Time.Testing;

namespace FuncSync.App.Tests.Polling;

public sealed class PollPacerTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 1, 12, 0, 0, TimeSpan.Zero));

    private PollPacer Pacer(double reserved = 0.5) => new(Channel.Etsy, () => new PollPacing(Adaptive: true, MinIntervalSeconds: 10, MaxIntervalSeconds: 120, ReservedDailyShare: reserved), _time);

    [Fact]
    public void IsDue_NothingPolledYet_True() => Assert.True(Pacer().IsDue());

    [Fact]
    public void Interval_EmptyPolls_DoublesUpToMaximum()
    {
        var pacer = Pacer();
        var seen = new List<double>();
        for (var i = 0; i < 6; i++)
        {
            pacer.RecordPoll(sales: 0, requests: 1);
            seen.Add(pacer.Interval.TotalSeconds);
        }

        Assert.Equal([20, 40, 80, 120, 120, 120], seen);
    }

    [Fact]
    public void Interval_SalesAfterQuietSpell_BackToMinimum()
    {
        var pacer = Pacer();
        for (var i = 0; i < 5; i++)
        {
            pacer.RecordPoll(sales: 0, requests: 1);
        }

        pacer.RecordPoll(sales: 3, requests: 1);

        Assert.Equal(TimeSpan.FromSeconds(10), pacer.Interval);
    }

    [Fact]
    public void IsDue_BeforeAndAfterInterval_FalseThenTrue()
    {
        var pacer = Pacer();
        pacer.RecordPoll(sales: 1, requests: 1);

        _time.Advance(TimeSpan.FromSeconds(9));
        Assert.False(pacer.IsDue());
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(pacer.IsDue());
    }

    [Fact]
    public void Interval_DailyBudgetLow_SlowsBelowActivityPace()
    {
        var pacer = Pacer(reserved: 0.5);
        pacer.RecordPoll(sales: 5, requests: 2);

        // 10,000 a day with half reserved: 5,864 left leaves 864 spare requests, at 2 a poll every 200 s.
        pacer.ObserveQuota(10, 9, 10_000, 5_864);

        Assert.Equal(200, pacer.Interval.TotalSeconds, precision: 6);
        Assert.Equal(5_000, pacer.Health(webhookEnabled: false).ReservedToday);
    }

    [Fact]
    public void Interval_ReserveExhausted_PollsHourly()
    {
        var pacer = Pacer(reserved: 0.5);
        pacer.RecordPoll(sales: 5, requests: 1);
        pacer.ObserveQuota(10, 9, 10_000, 4_000);

        Assert.Equal(TimeSpan.FromHours(1), pacer.Interval);
    }

    [Fact]
    public void Interval_AmpleBudget_ActivityDecides()
    {
        var pacer = Pacer();
        pacer.RecordPoll(sales: 1, requests: 1);
        pacer.ObserveQuota(10, 9, 100_000, 99_000);

        Assert.Equal(TimeSpan.FromSeconds(10), pacer.Interval);
    }

    [Fact]
    public void IsDue_AdaptivePollingOff_AlwaysTrue()
    {
        var pacer = new PollPacer(Channel.Etsy, () => new FuncSync.Etsy.EtsyOptions { AdaptivePolling = false }.Pacing(), _time);
        pacer.RecordPoll(sales: 0, requests: 1);

        Assert.True(pacer.IsDue());
    }
}
