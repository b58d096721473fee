using FuncSync.Domain;
using FuncSync.Monitoring;

namespace FuncSync.Polling;

/// <summary>
/// The window a channel's orders poll reads, the rules proven for Etsy's receipts kept in one place: from where the
/// last complete pass ended, less an overlap (a change stamped late, an order that moved between pages), to now less
/// a settle margin (a change the channel has not published to every reader yet); never before the first pass, since
/// the seller's starting counts already hold every earlier sale. The watermark moves only when a pass completes
/// (<see cref="CompleteAsync"/>), so a pass that fails part-way leaves the next to read the same orders again.
/// </summary>
public sealed class OrderPollWindows(WatermarkStore watermarks, ChannelActivity activity, TimeProvider time, ILogger<OrderPollWindows> logger)
{
    private const string OriginSuffix = "-origin";

    /// <param name="source">The watermark's name; its first pass is kept beside it, suffixed "-origin".</param>
    /// <param name="resolution">The unit the watermark counts in: the channel's own time resolution for a filter.</param>
    /// <returns>Null on the very first pass, which only records where polling begins.</returns>
    public async Task<OrderPollWindow?> OpenAsync(Channel channel, string source, TimeSpan overlap, TimeSpan settle, TimeSpan resolution, CancellationToken cancellationToken)
    {
        var until = At(Units(time.GetUtcNow() - settle, resolution), resolution);
        if (await watermarks.GetAsync(source, cancellationToken) is not { } watermark)
        {
            await watermarks.AdvanceAsync(source + OriginSuffix, Units(until, resolution), cancellationToken);
            await watermarks.AdvanceAsync(source, Units(until, resolution), cancellationToken);
            await activity.RecordPollAsync(channel, cancellationToken);
            logger.LogInformation("{Channel} orders poll starts from {Until}: earlier sales are in the starting counts", channel, until);
            return null;
        }

        var origin = await watermarks.GetAsync(source + OriginSuffix, cancellationToken) ?? 0;
        var from = At(Math.Max(origin, watermark - (overlap.Ticks / resolution.Ticks)), resolution);
        return new OrderPollWindow(channel, source, from, until, resolution);
    }

    /// <summary>The pass read the whole window: the next starts where it ended.</summary>
    public async Task CompleteAsync(OrderPollWindow window, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(window);
        await watermarks.AdvanceAsync(window.Source, Units(window.Until, window.Resolution), cancellationToken);
        await activity.RecordPollAsync(window.Channel, cancellationToken);
    }

    private static long Units(DateTimeOffset at, TimeSpan resolution) => (at - DateTimeOffset.UnixEpoch).Ticks / resolution.Ticks;

    private static DateTimeOffset At(long units, TimeSpan resolution) => DateTimeOffset.UnixEpoch + (resolution * units);
}

/// <summary>What one pass of an orders poll reads: changes from <paramref name="From"/> to <paramref name="Until"/>.</summary>
public sealed record OrderPollWindow(Channel Channel, string Source, DateTimeOffset From, DateTimeOffset Until, TimeSpan Resolution);
