using FuncSync.Channels;
using FuncSync.Domain;
using FuncSync.Polling;
using Microsoft.Extensions.Options;

namespace FuncSync.Etsy;

/// <summary>How far the receipt poll has read, from its completed watermark.</summary>
public sealed class EtsyPollProgress(WatermarkStore watermarks, IOptions<EtsyOptions> options) : IChannelPoll
{
    public Channel Channel => Channel.Etsy;

    public TimeSpan LongestInterval => TimeSpan.FromSeconds(Math.Max(options.Value.MinPollIntervalSeconds, options.Value.MaxPollIntervalSeconds));

    public async Task<DateTimeOffset?> CompletedAsync(CancellationToken cancellationToken) =>
        await watermarks.GetAsync(EtsyReceiptPollFunction.CompletedSource(options.Value.ShopId), cancellationToken) is { } seconds
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : null;
}
