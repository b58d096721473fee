using FuncSync.App.Tests.Infrastructure;
using FuncSync.Channels.Budgets;
using FuncSync.Domain;
using FuncSync.Etsy;
using FuncSync.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace FuncSync.App.Tests.Channels;

[Collection(AzuriteTests.Name)]
public sealed class SharedRequestBudgetTests(AzuriteFixture azurite)
{
    // 100 ms into a second, so a whole second's claims fit before the cut-off.
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 1, 12, 0, 0, 100, TimeSpan.Zero));

    [Fact]
    public async Task Acquire_ThreeInstancesOneApp_NeverMoreThanTheLimitInOneSecond()
    {
        var table = await TableAsync();
        var instances = Enumerable.Range(0, 3).Select(_ => new SharedRequestBudget(Channel.Etsy, table, "keystring-a", 9, _time)).ToList();

        for (var i = 0; i < 9; i++)
        {
            await instances[i % 3].AcquireAsync(CancellationToken.None);
        }

        var tenth = instances[1].AcquireAsync(CancellationToken.None);
        Assert.False(await CompletesWithinAMomentAsync(tenth), "a tenth request in the same second must wait");

        Assert.True(await CompletesOnceTheClockMovesAsync(tenth), "the next second's budget lets it through");
        Assert.True(_time.GetUtcNow() >= new DateTimeOffset(2026, 11, 1, 12, 0, 1, TimeSpan.Zero), "not before the next second");
        instances.ForEach(b => b.Dispose());
    }

    [Fact]
    public async Task Acquire_OtherApp_HasItsOwnBudget()
    {
        var table = await TableAsync();
        using var first = new SharedRequestBudget(Channel.Etsy, table, "keystring-a", 2, _time);
        using var second = new SharedRequestBudget(Channel.Etsy, table, "keystring-b", 2, _time);
        await first.AcquireAsync(CancellationToken.None);
        await first.AcquireAsync(CancellationToken.None);

        Assert.True(await CompletesAsync(second.AcquireAsync(CancellationToken.None)));
    }

    [Fact]
    public async Task Acquire_LateInTheSecond_WaitsForTheNextOne()
    {
        var table = await TableAsync();
        using var budget = new SharedRequestBudget(Channel.Etsy, table, "keystring-a", 9, _time);
        _time.Advance(TimeSpan.FromMilliseconds(800));

        // 900 ms into the second: a request claimed now could land in the next one, on top of that second's share.
        var late = budget.AcquireAsync(CancellationToken.None);
        Assert.False(await CompletesWithinAMomentAsync(late));

        Assert.True(await CompletesOnceTheClockMovesAsync(late));
        Assert.True(_time.GetUtcNow() >= new DateTimeOffset(2026, 11, 1, 12, 0, 1, TimeSpan.Zero), "not before the next second");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task EtsyApi_ThreeAppInstancesOneSimulator_OverTheLimitOnlyWithoutTheSharedBudget(bool shared)
    {
        var settings = new Dictionary<string, string?>(Etsy.EtsyTestSettings.ManualPolling) { ["Etsy:SharedBudget"] = shared ? "true" : "false" };
        await using var first = await FuncSyncTestApp.StartAsync(azurite, settings);
        var item = new TestItem("PIN-SHARED-01", 5, 41);
        first.List(item.Mapping, item.Quantity);
        var others = new List<WebApplication>();
        for (var i = 0; i < 2; i++)
        {
            others.Add((await FuncSyncHost.StartOnLoopbackAsync(first.Settings, LogLevel.Warning)).App);
        }

        try
        {
            var apis = others.Select(a => a.Services.GetRequiredService<EtsyApi>()).Prepend(first.App.Services.GetRequiredService<EtsyApi>()).ToList();

            var reads = await Task.WhenAll(apis.SelectMany(api => Enumerable.Range(0, 20).Select(_ => ReadAsync(api, item.EtsyListingId))));

            if (shared)
            {
                // Etsy counts a request in the second it arrives; the budget grants it in the second it is sent. A grant
                // in a second's last moments can arrive in the next one when the machine is loaded: the tenth of the
                // limit left unshared absorbs one such straggler, the connector's retry any further one, so no read
                // may fail and refusals stay a handful (the control below is refused dozens of times).
                Assert.All(reads, Assert.True);
                Assert.True(first.Etsy.RateLimitViolations <= MaxStragglers, $"{first.Etsy.RateLimitViolations} requests over Etsy's limit with the shared budget");
            }
            else
            {
                // The control: three local buckets, each at the app's limit, overrun it together.
                Assert.True(first.Etsy.RateLimitViolations > MaxStragglers, $"three instances without the shared budget were expected to exceed Etsy's limit well beyond stragglers ({first.Etsy.RateLimitViolations})");
            }
        }
        finally
        {
            foreach (var other in others)
            {
                await other.StopAsync();
                await other.DisposeAsync();
            }
        }
    }

    /// <summary>Grants that may arrive in the next second on a loaded machine (one per second boundary at most, six boundaries
    /// in sixty reads at nine a second).</summary>
    private const int MaxStragglers = 6;

    /// <summary>True when the read succeeded; false when Etsy's 429s outlasted the retries.</summary>
    private static async Task<bool> ReadAsync(EtsyApi api, long listingId)
    {
        try
        {
            await api.GetListingInventoryAsync(listingId, CancellationToken.None);
            return true;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    // A wait that must go on is watched for a moment: a busy machine can only make it look longer, never shorter.
    private static async Task<bool> CompletesWithinAMomentAsync(Task task) =>
        await Task.WhenAny(task, Task.Delay(TimeSpan.FromMilliseconds(500), TimeProvider.System)) == task;

    // The clock moves in small steps until the wait ends: the waiter may still be talking to storage when the test
    // would move the clock in one jump, and would then set its timer from the time it read before the jump.
    private async Task<bool> CompletesOnceTheClockMovesAsync(Task task)
    {
        var giveUp = TimeProvider.System.GetTimestamp();
        while (!task.IsCompleted && TimeProvider.System.GetElapsedTime(giveUp) < TimeSpan.FromSeconds(30))
        {
            _time.Advance(TimeSpan.FromMilliseconds(50));
            await Task.WhenAny(task, Task.Delay(TimeSpan.FromMilliseconds(20), TimeProvider.System));
        }

        return task.IsCompleted;
    }

    // A wait that must end is given as long as storage may take on a busy machine.
    private static async Task<bool> CompletesAsync(Task task) =>
        await Task.WhenAny(task, Task.Delay(TimeSpan.FromSeconds(30), TimeProvider.System)) == task;

    private async Task<Azure.Data.Tables.TableClient> TableAsync()
    {
        var table = azurite.Clients.Table("budget" + Guid.NewGuid().ToString("N")[..12]);
        await table.CreateIfNotExistsAsync();
        return table;
    }
}
