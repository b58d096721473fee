using FuncSync.App.Tests.Infrastructure;
using FuncSync.Standing;
using FuncSync.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace FuncSync.App.Tests.Standing;

[Collection(AzuriteTests.Name)]
public sealed class ChannelStandingStoreTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task CountOrder_ManyAtOnce_EveryOrderCounted()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        var store = app.App.Services.GetRequiredService<ChannelStandingStore>();
        var when = new DateTimeOffset(2026, 12, 2, 8, 0, 0, TimeSpan.Zero);

        // Sales applied side by side, as the ledger's queue function does under load: one hot row lost a quarter of them.
        await Parallel.ForEachAsync(Enumerable.Range(0, 300), new ParallelOptions { MaxDegreeOfParallelism = 24 }, async (_, ct) =>
            await store.CountOrderAsync("Etsy", when, ct));
        var month = await store.CountCancellationAsync("Etsy", when, CancellationToken.None);

        Assert.Equal(300, month.Orders);
        Assert.Equal(1, month.Cancellations);
        var listed = Assert.Single(await store.ListAsync(CancellationToken.None));
        Assert.Equal(("Etsy", "2026-12", 300L, 1L), (listed.Channel, listed.Month, listed.Orders, listed.Cancellations));
    }
}
