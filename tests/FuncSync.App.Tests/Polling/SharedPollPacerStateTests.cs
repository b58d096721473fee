using FuncSync.Channels;
using FuncSync.Channels.State;
using FuncSync.Domain;
using FuncSync.Etsy;
using FuncSync.Polling;
using FuncSync.Storage;
using FuncSync.Testing;
using Microsoft.Extensions.Time.Testing;

namespace FuncSync.App.Tests.Polling;

[Collection(AzuriteTests.Name)]
public sealed class SharedPollPacerStateTests(AzuriteFixture azurite)
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 1, 12, 0, 0, 100, TimeSpan.Zero));

    [Fact]
    public async Task Merge_PollOnAnotherInstance_NextInstanceWaitsItsInterval()
    {
        var state = await StateAsync(Channel.Etsy);
        var pacing = new EtsyOptions { ShopId = 42, MinPollIntervalSeconds = 10, MaxPollIntervalSeconds = 120 }.Pacing();
        var shared = new SharedPollPacerState(state, () => "42");
        var first = new PollPacer(Channel.Etsy, () => pacing, _time);
        first.ObserveQuota(10, 9, 10_000, 9_000);
        first.RecordPoll(sales: 0, requests: 1);
        await shared.SaveAsync(first.Snapshot(), CancellationToken.None);

        var second = new PollPacer(Channel.Etsy, () => pacing, _time);
        Assert.True(second.IsDue());
        await shared.RefreshAsync(second, CancellationToken.None);

        Assert.False(second.IsDue());
        Assert.Equal(9_000, second.Health(false).RemainingToday);
        Assert.Equal(new ChannelBudget(Channel.Etsy, 10_000, 9_000, 5_000, 10, _time.GetUtcNow()), second.Read());
        _time.Advance(second.Interval);
        Assert.True(second.IsDue());
    }

    [Fact]
    public async Task Load_OtherScopeOrChannel_StartsAfresh()
    {
        var table = azurite.Clients.Table("pacer" + Guid.NewGuid().ToString("N")[..12]);
        await table.CreateIfNotExistsAsync();
        var pacer = new PollPacer(Channel.Etsy, () => new EtsyOptions().Pacing(), _time);
        pacer.RecordPoll(sales: 2, requests: 1);
        await new SharedPollPacerState(new ChannelState(Channel.Etsy, table, new ShopPartition("test")), () => "42").SaveAsync(pacer.Snapshot(), CancellationToken.None);

        Assert.Null(await new SharedPollPacerState(new ChannelState(Channel.Etsy, table, new ShopPartition("test")), () => "43").LoadAsync(CancellationToken.None));
        Assert.Null(await new SharedPollPacerState(new ChannelState(Channel.Square, table, new ShopPartition("test")), () => "42").LoadAsync(CancellationToken.None));
    }

    private async Task<ChannelState> StateAsync(Channel channel)
    {
        var table = azurite.Clients.Table("pacer" + Guid.NewGuid().ToString("N")[..12]);
        await table.CreateIfNotExistsAsync();
        return new ChannelState(channel, table, new ShopPartition("test"));
    }
}
