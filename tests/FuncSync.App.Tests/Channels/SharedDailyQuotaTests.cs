using FuncSync.Channels.Budgets;
using FuncSync.Domain;
using FuncSync.Ebay;
using FuncSync.Testing;
using Microsoft.Extensions.Time.Testing;

namespace FuncSync.App.Tests.Channels;

[Collection(AzuriteTests.Name)]
public sealed class SharedDailyQuotaTests(AzuriteFixture azurite)
{
    // 23:00 in Los Angeles on 1 November 2026 (PST, UTC-8): eBay's day turns an hour later.
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 2, 7, 0, 0, TimeSpan.Zero));

    private static readonly Func<DateTimeOffset, DateOnly> EbayDay = new EbayOptions().Day;

    [Fact]
    public async Task TryTake_TwoInstancesRacing_TogetherNeverMoreThanTheLimit()
    {
        var table = await TableAsync();
        using var first = new SharedDailyQuota(Channel.Ebay, table, "app-a", 500, EbayDay, _time);
        using var second = new SharedDailyQuota(Channel.Ebay, table, "app-a", 500, EbayDay, _time);

        // Both take as fast as they can, concurrently, well past the limit.
        async Task<int> TakeAsync(SharedDailyQuota quota)
        {
            var taken = 0;
            for (var i = 0; i < 400; i++)
            {
                taken += await quota.TryTakeAsync(CancellationToken.None) ? 1 : 0;
            }

            return taken;
        }

        var taken = await Task.WhenAll(TakeAsync(first), TakeAsync(second));

        Assert.Equal(500, taken.Sum());
        Assert.True(taken.All(t => t > 0), "both instances made calls");
        Assert.False(await first.TryTakeAsync(CancellationToken.None));
        Assert.Equal(500, (await second.ReadAsync(CancellationToken.None)).Used);
    }

    [Fact]
    public async Task TryTake_BlocksNotPerCall_OneStorageWritePerBlock()
    {
        var table = await TableAsync();
        using var quota = new SharedDailyQuota(Channel.Ebay, table, "app-a", 5000, EbayDay, _time);

        for (var i = 0; i < 50; i++)
        {
            Assert.True(await quota.TryTakeAsync(CancellationToken.None));
        }

        // One block of 50 handed out, all of it spent: the other instance's view says 50 used.
        using var other = new SharedDailyQuota(Channel.Ebay, table, "app-a", 5000, EbayDay, _time);
        Assert.Equal(50, (await other.ReadAsync(CancellationToken.None)).Used);
        Assert.True(await quota.TryTakeAsync(CancellationToken.None));
        Assert.Equal(100, (await other.ReadAsync(CancellationToken.None)).Used); // The 51st call took the second block.
    }

    [Fact]
    public async Task Exhausted_ByOneInstance_NoInstanceGetsABlockUntilEbaysDayTurnsAtPacificMidnight()
    {
        var table = await TableAsync();
        using var first = new SharedDailyQuota(Channel.Ebay, table, "app-a", 5000, EbayDay, _time);
        using var second = new SharedDailyQuota(Channel.Ebay, table, "app-a", 5000, EbayDay, _time);
        Assert.True(await second.TryTakeAsync(CancellationToken.None));

        await first.ExhaustedAsync(CancellationToken.None); // eBay answered error 2001.

        Assert.False(await first.TryTakeAsync(CancellationToken.None));
        _time.Advance(TimeSpan.FromMinutes(59)); // 23:59 Pacific, 07:59 UTC: still eBay's same day.
        using var third = new SharedDailyQuota(Channel.Ebay, table, "app-a", 5000, EbayDay, _time);
        Assert.False(await third.TryTakeAsync(CancellationToken.None));
        Assert.Equal(0, (await third.ReadAsync(CancellationToken.None)).Remaining);

        _time.Advance(TimeSpan.FromMinutes(1)); // Midnight in Los Angeles: a new day for every instance.
        Assert.True(await first.TryTakeAsync(CancellationToken.None));
        Assert.True(await third.TryTakeAsync(CancellationToken.None));
    }

    [Fact]
    public async Task TryTake_OtherApp_HasItsOwnQuota()
    {
        var table = await TableAsync();
        using var first = new SharedDailyQuota(Channel.Ebay, table, "app-a", 1, EbayDay, _time);
        using var second = new SharedDailyQuota(Channel.Ebay, table, "app-b", 1, EbayDay, _time);

        Assert.True(await first.TryTakeAsync(CancellationToken.None));
        Assert.False(await first.TryTakeAsync(CancellationToken.None));
        Assert.True(await second.TryTakeAsync(CancellationToken.None));
    }

    private async Task<Azure.Data.Tables.TableClient> TableAsync()
    {
        var table = azurite.Clients.Table("quota" + Guid.NewGuid().ToString("N")[..12]);
        await table.CreateIfNotExistsAsync();
        return table;
    }
}
