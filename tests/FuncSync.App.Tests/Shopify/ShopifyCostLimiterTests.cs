using System.Text.Json.Nodes;
using FuncSync.Shopify;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace FuncSync.App.Tests.Shopify;

/// <summary>The limiter's arithmetic on a fake clock, without I/O.</summary>
public sealed class ShopifyCostLimiterTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 5, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly ShopifyCostLimiter _limiter;

    public ShopifyCostLimiterTests() =>
        _limiter = new ShopifyCostLimiter(_time, Options.Create(new ShopifyOptions { PlanRestoreRate = 100 }));

    public void Dispose() => _limiter.Dispose();

    [Fact]
    public async Task Acquire_BeforeShopifyReported_OneRequestAtATime()
    {
        using var probe = await _limiter.AcquireAsync(10);

        var second = _limiter.AcquireAsync(10).AsTask();

        Assert.False(second.IsCompleted);
        probe.Dispose();
        _limiter.Observe("Op", Cost(available: 990, maximum: 1000, restore: 100));
        using var granted = await second.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.True(granted.IsAcquired);
    }

    [Fact]
    public async Task Acquire_BucketReportedLow_WaitsForTheRestoreRate()
    {
        _limiter.Observe("Op", Cost(available: 4, maximum: 1000, restore: 100));

        var waiting = _limiter.AcquireAsync(10).AsTask();
        _time.Advance(TimeSpan.FromMilliseconds(50));
        Assert.False(waiting.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(20));

        using var lease = await waiting.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.True(lease.IsAcquired);
    }

    [Fact]
    public async Task Observe_WhileOthersInFlight_CountsThemAsSpent()
    {
        _limiter.Observe("Op", Cost(available: 30, maximum: 1000, restore: 100));
        using var first = await _limiter.AcquireAsync(10);
        using var second = await _limiter.AcquireAsync(10);

        // A third answer reports 30 again: it may not include the two still on the wire.
        _limiter.Observe("Op", Cost(available: 30, maximum: 1000, restore: 100));
        var third = _limiter.AcquireAsync(20).AsTask();

        Assert.False(third.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(101));
        Assert.True((await third.WaitAsync(TimeSpan.FromSeconds(5))).IsAcquired);
    }

    [Fact]
    public async Task EstimateFor_AfterShopifyAnswered_UsesRequestedQueryCost()
    {
        Assert.Equal(2, _limiter.EstimateFor("InventoryLevel", 2));

        _limiter.Observe("InventoryLevel", Cost(available: 900, maximum: 1000, restore: 100, requested: 3));

        Assert.Equal(3, _limiter.EstimateFor("InventoryLevel", 2));
        Assert.Equal(10, _limiter.EstimateFor("SetAvailable", 10));
        await Task.CompletedTask;
    }

    [Fact]
    public async Task Acquire_Cancelled_LeavesTheQueue()
    {
        _limiter.Observe("Op", Cost(available: 0, maximum: 1000, restore: 100));
        using var cancel = new CancellationTokenSource();
        var cancelled = _limiter.AcquireAsync(10, cancel.Token).AsTask();
        var next = _limiter.AcquireAsync(5).AsTask();

        await cancel.CancelAsync();
        _time.Advance(TimeSpan.FromMilliseconds(60));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        Assert.True((await next.WaitAsync(TimeSpan.FromSeconds(5))).IsAcquired);
    }

    private static JsonObject Cost(int available, int maximum, int restore, int requested = 10) => new()
    {
        ["requestedQueryCost"] = requested,
        ["actualQueryCost"] = requested,
        ["throttleStatus"] = new JsonObject { ["maximumAvailable"] = maximum, ["currentlyAvailable"] = available, ["restoreRate"] = restore },
    };
}
