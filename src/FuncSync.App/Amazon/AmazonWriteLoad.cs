using Microsoft.Extensions.Options;

namespace FuncSync.Amazon;

/// <summary>Judges whether this instance is doing many-SKU work: at least <see cref="AmazonOptions.FeedThreshold"/>
/// quantity writes within <see cref="AmazonOptions.FeedWindow"/>. A reconciliation fix or a catalog import reaches the
/// connector one push at a time, each behind its own read, so writes never wait side by side; their rate over a window
/// is what tells a bulk from a few sales. Per instance on purpose: the judgement needs no storage round trip, and every
/// instance doing its share of a bulk sees it too.</summary>
public sealed class AmazonWriteLoad(IOptions<AmazonOptions> options, TimeProvider time)
{
    private readonly Lock _gate = new();
    private readonly Queue<DateTimeOffset> _recent = new();

    /// <summary>Counts a write about to be made; true when it is part of a bulk (the threshold is reached with it).</summary>
    public bool CountIsBulk()
    {
        var settings = options.Value;
        var now = time.GetUtcNow();
        lock (_gate)
        {
            while (_recent.Count > 0 && now - _recent.Peek() >= settings.FeedWindow)
            {
                _recent.Dequeue();
            }

            _recent.Enqueue(now);
            return _recent.Count >= settings.FeedThreshold;
        }
    }
}
