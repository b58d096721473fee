using System.Text.Json;
using FuncSync.Hosting.Tests.Infrastructure;
using FuncSync.Testing;
using FuncSync.Hosting.Timers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace FuncSync.Hosting.Tests.Timers;

[Collection(AzuriteTests.Name)]
public sealed class TimerListenerTests(AzuriteFixture azurite)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Schedule_FunctionAlwaysThrows_KeepsRunningOnEachOccurrence()
    {
        var time = new FakeTimeProvider(Start);
        var hostId = TestNames.Unique("host");
        await using var host = CreateHost(hostId, time, "*/10 * * * * *", probe: new Probe { Throw = true });
        await host.StartAsync();

        await AdvanceUntilAsync(time, TimeSpan.FromSeconds(5), () => host.Probe.Timers.Count >= 3);

        var runs = host.Probe.Timers.ToArray();
        Assert.All(runs, r => Assert.False(r.IsPastDue));
        Assert.All(runs, r => Assert.Equal(0, r.Next!.Value.Second % 10));
        Assert.True(runs.Zip(runs.Skip(1)).All(p => p.Second.Next > p.First.Next), "each run serves a later occurrence");
        Assert.Equal(1, host.Probe.MaxConcurrent);
        var status = await ReadStatusAsync(hostId, "Tick");
        Assert.True(status.Next > status.Last);
    }

    [Fact]
    public async Task Lease_TwoInstancesOnSameHostId_OnlyOneRunsTheSchedule()
    {
        var time = new FakeTimeProvider(Start);
        var hostId = TestNames.Unique("host");
        await using var first = CreateHost(hostId, time, "*/10 * * * * *");
        await using var second = CreateHost(hostId, time, "*/10 * * * * *");
        await first.StartAsync();
        await second.StartAsync();

        await AdvanceUntilAsync(time, TimeSpan.FromSeconds(5), () => first.Probe.Timers.Count + second.Probe.Timers.Count >= 4);

        var counts = new[] { first.Probe.Timers.Count, second.Probe.Timers.Count };
        Assert.Contains(0, counts);
        var holders = new[] { first, second }.SelectMany(h => h.HostedServices<TimerListener>()).Count(l => l.IsLeaseHolder);
        Assert.Equal(1, holders);
    }

    [Fact]
    public async Task Lease_HolderStops_OtherInstanceTakesOverTheSchedule()
    {
        var time = new FakeTimeProvider(Start);
        var hostId = TestNames.Unique("host");
        var first = CreateHost(hostId, time, "*/10 * * * * *");
        await using var second = CreateHost(hostId, time, "*/10 * * * * *");
        await first.StartAsync();
        await AdvanceUntilAsync(time, TimeSpan.FromSeconds(5), () => !first.Probe.Timers.IsEmpty);
        await second.StartAsync();

        await first.DisposeAsync();
        await AdvanceUntilAsync(time, TimeSpan.FromSeconds(5), () => second.Probe.Timers.Count >= 2);

        Assert.True(Assert.Single(second.HostedServices<TimerListener>()).IsLeaseHolder);
    }

    [Fact]
    public async Task Start_StoredNextIsInThePast_RunsOnceAsPastDue()
    {
        var time = new FakeTimeProvider(Start);
        var hostId = TestNames.Unique("host");
        var missed = Start.AddHours(-1);
        var container = azurite.Clients.Blobs.GetBlobContainerClient(TimerListenerOptions.ContainerName);
        await container.CreateIfNotExistsAsync();
        await container.GetBlobClient($"timers/{hostId}/Tick/status")
            .UploadAsync(BinaryData.FromObjectAsJson(new TimerScheduleStatus(Start.AddHours(-2), missed, Start.AddHours(-2))), overwrite: true);

        // Yearly, so nothing but the past-due check can fire while fake time stands still.
        await using var host = CreateHost(hostId, time, "0 0 0 1 1 *");
        await host.StartAsync();

        await Eventually.WaitAsync(() => host.Probe.Timers.Count == 1, Timeout, "the past-due run happened");
        var run = Assert.Single(host.Probe.Timers);
        Assert.True(run.IsPastDue);
        Assert.Equal(missed, run.Next);
        Assert.Equal(Start.AddHours(-2), run.Last);
        await Eventually.WaitAsync(
            async () => (await ReadStatusAsync(hostId, "Tick")).Next == new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero),
            Timeout, "the status moved to the next occurrence");
        Assert.Equal(Start, (await ReadStatusAsync(hostId, "Tick")).Last);
        Assert.Single(host.Probe.Timers);
    }

    [Fact]
    public async Task Start_RunOnStartupWithoutStatus_RunsOnceNotPastDue()
    {
        var time = new FakeTimeProvider(Start);
        var hostId = TestNames.Unique("host");
        await using var host = CreateHost(hostId, time, "0 0 0 1 1 *", runOnStartup: true);
        await host.StartAsync();

        await Eventually.WaitAsync(() => host.Probe.Timers.Count == 1, Timeout, "the start-up run happened");
        var run = Assert.Single(host.Probe.Timers);
        Assert.False(run.IsPastDue);
        Assert.Equal(new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero), run.Next);

        // The start-up run is off schedule: it must not consume the next real occurrence.
        await Eventually.WaitAsync(async () => (await ReadStatusAsync(hostId, "Tick")).Last == Start, Timeout, "the status recorded the start-up run");
        Assert.Equal(new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero), (await ReadStatusAsync(hostId, "Tick")).Next);
    }

    [Fact]
    public void Parse_SixFieldExpression_ComputesNextOccurrenceInUtc()
    {
        var schedule = TimerSchedule.Parse("0 */5 * * * *");

        Assert.Equal(new DateTimeOffset(2026, 1, 1, 12, 5, 0, TimeSpan.Zero), schedule.GetNextOccurrence(Start));
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 12, 5, 0, TimeSpan.Zero), schedule.GetNextOccurrence(new DateTimeOffset(2026, 1, 1, 14, 3, 0, TimeSpan.FromHours(2))));
    }

    [Fact]
    public void AddTimerFunction_FiveFieldExpression_ThrowsAtRegistration()
    {
        Assert.Throws<FormatException>(() => TestHost.Create(
            azurite.ConnectionString, f => f.AddTimerFunction<RecordingTimerFunction>("Tick", "*/5 * * * *")));
    }

    private TestHost CreateHost(string hostId, FakeTimeProvider time, string schedule, bool runOnStartup = false, Probe? probe = null) =>
        TestHost.Create(
            azurite.ConnectionString,
            f => f.AddTimerFunction<RecordingTimerFunction>("Tick", "%TickSchedule%", runOnStartup),
            new Dictionary<string, string?> { ["AzureFunctionsJobHost:id"] = hostId, ["TickSchedule"] = schedule },
            s => s.AddSingleton<TimeProvider>(time),
            probe);

    private async Task<TimerScheduleStatus> ReadStatusAsync(string hostId, string functionName)
    {
        var blob = azurite.Clients.Blobs.GetBlobContainerClient(TimerListenerOptions.ContainerName).GetBlobClient($"timers/{hostId}/{functionName}/status");
        var content = await blob.DownloadContentAsync();
        return JsonSerializer.Deserialize<TimerScheduleStatus>(content.Value.Content)!;
    }

    /// <summary>Moves fake time in small steps, giving the storage calls between steps real time to finish.</summary>
    private static async Task AdvanceUntilAsync(FakeTimeProvider time, TimeSpan step, Func<bool> condition)
    {
        for (var i = 0; i < 400 && !condition(); i++)
        {
            time.Advance(step);
            await Task.Delay(TimeSpan.FromMilliseconds(25), TimeProvider.System);
        }

        Assert.True(condition(), "the timer did not run as expected while fake time advanced");
    }
}
