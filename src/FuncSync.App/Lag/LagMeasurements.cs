using FuncSync.Alerts;
using FuncSync.Channels;
using FuncSync.Domain;
using FuncSync.Domain.Lag;
using FuncSync.Domain.Text;
using Microsoft.Extensions.Options;

namespace FuncSync.Lag;

/// <summary>The lag figures: per channel p50/p95 over the last hour and day, the objectives, the worst lag for the
/// protected zone, and the breach check that raises and clears <see cref="AlertKind.LagBreach"/>.</summary>
public sealed class LagMeasurements(LagRecorder recorder, IOptions<LagOptions> options, ChannelRegistry channels, AlertSender alerts, TimeProvider time) : ILagMeasurements
{
    private readonly Lock _gate = new();
    private readonly Dictionary<Channel, WorstLag> _worst = [];
    private readonly HashSet<Channel> _breached = [];

    /// <summary>Every enabled channel, whatever the order in which channels were registered.</summary>
    public IEnumerable<Channel> Channels => channels.Channels;

    public TimeSpan ObjectiveFor(Channel channel) =>
        options.Value.Objectives.TryGetValue(channel, out var objective)
            ? objective
            : channels.Enabled.FirstOrDefault(c => c.Channel == channel)?.LagObjective ?? ChannelModules.Of(channel).Capabilities.DefaultLagObjective;

    /// <remarks>The allocation asks per push, for every channel of the SKU, so the figure is read once a minute per channel
    /// whatever the traffic: the pushes that ask while it is read wait for that one read. A channel with no sale measured
    /// (nothing sold there lately) is remembered as such too, until this instance records one, which counts at once.</remarks>
    public async ValueTask<TimeSpan?> WorstLagAsync(Channel channel, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var samples = recorder.SamplesFrom(channel);
        WorstLag current;
        lock (_gate)
        {
            if (!_worst.TryGetValue(channel, out current!) || !current.Holds(now, samples))
            {
                current = new WorstLag(new Lazy<Task<TimeSpan?>>(() => ReadWorstAsync(channel)), now, samples);
                _worst[channel] = current;
            }
        }

        return await current.Value.Value.WaitAsync(cancellationToken);
    }

    // Shared by every push that asks meanwhile, so no one caller's cancellation ends it.
    private async Task<TimeSpan?> ReadWorstAsync(Channel channel)
    {
        var hour = (await recorder.WindowAsync(channel, LagWindow.LastHour, CancellationToken.None)).PercentileMilliseconds(95);
        var day = (await recorder.WindowAsync(channel, LagWindow.LastDay, CancellationToken.None)).PercentileMilliseconds(95);
        return hour is null && day is null ? null : TimeSpan.FromMilliseconds(Math.Max(hour ?? 0, day ?? 0));
    }

    public async Task<LagReport> ReportAsync(CancellationToken cancellationToken)
    {
        var channels = new List<ChannelLag>();
        foreach (var channel in Channels)
        {
            foreach (var (window, name) in new[] { (LagWindow.LastHour, "1h"), (LagWindow.LastDay, "24h") })
            {
                var histogram = await recorder.WindowAsync(channel, window, cancellationToken);
                channels.Add(new ChannelLag(channel, Round(histogram.PercentileMilliseconds(50)), Round(histogram.PercentileMilliseconds(95)), ObjectiveFor(channel).TotalMilliseconds, histogram.Count, name));
            }
        }

        return new LagReport(channels);
    }

    /// <summary>Raises LagBreach for a channel whose last-hour p95 is over its objective, and clears it once it is back under.</summary>
    public async Task CheckObjectivesAsync(CancellationToken cancellationToken)
    {
        foreach (var channel in Channels)
        {
            var window = await recorder.WindowAsync(channel, LagWindow.LastHour, cancellationToken);
            var objective = new LagObjective(channel, ObjectiveFor(channel));
            var key = $"lag:{channel}";
            switch (objective.IsBreached(window))
            {
                case true:
                    lock (_gate)
                    {
                        _breached.Add(channel);
                    }

                    await alerts.RaiseAsync(
                        AlertKind.LagBreach,
                        key,
                        $"Sales on {channel} reach the other channels in {HumanDuration.Format(TimeSpan.FromMilliseconds(window.PercentileMilliseconds(95) ?? 0))} at the 95th percentile over the last hour ({window.Count} samples), above the objective of {HumanDuration.Format(objective.Target)}.",
                        null,
                        new AlertAdvice(channel.ToString(), $"Nothing is lost, but sales on {channel} reach the other channels late: check {channel}'s status, and pause risky one-offs on {channel} until this clears by itself."),
                        cancellationToken);
                    break;
                case false when Forget(channel):
                    await alerts.ClearAsync(AlertKind.LagBreach, key, cancellationToken);
                    break;
            }
        }
    }

    private bool Forget(Channel channel)
    {
        lock (_gate)
        {
            return _breached.Remove(channel);
        }
    }

    private static double? Round(double? ms) => ms is { } value ? Math.Round(value, 1) : null;
}

/// <summary><c>GET /api/lag</c> (a contract the dashboard reads).</summary>
public sealed record LagReport(IReadOnlyList<ChannelLag> Channels);

/// <param name="Channel">Where the sale happened; the lag runs from the sale to every other channel showing it.</param>
/// <param name="Window"><c>1h</c> or <c>24h</c>, ending now.</param>
public sealed record ChannelLag(Channel Channel, double? P50Ms, double? P95Ms, double ObjectiveMs, long Samples, string Window);

/// <summary>One read of a channel's worst lag, in flight or done: <paramref name="Samples"/> is how many samples from the
/// channel this instance had recorded when it started.</summary>
internal sealed record WorstLag(Lazy<Task<TimeSpan?>> Value, DateTimeOffset At, long Samples)
{
    private static readonly TimeSpan CacheFor = TimeSpan.FromMinutes(1);

    /// <summary>Still the answer: under a minute old and not failed, and either a measured lag or "none yet" with no
    /// sample recorded here since.</summary>
    public bool Holds(DateTimeOffset now, long samples)
    {
        if (now - At >= CacheFor || Value is { IsValueCreated: true, Value: { IsFaulted: true } or { IsCanceled: true } })
        {
            return false;
        }

        return samples == Samples || Value is { IsValueCreated: true, Value: { IsCompletedSuccessfully: true, Result: not null } };
    }
}
