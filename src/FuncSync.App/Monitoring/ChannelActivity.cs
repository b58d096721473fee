using System.Collections.Concurrent;
using Azure.Data.Tables;
using FuncSync.Channels;
using FuncSync.Domain;
using FuncSync.Storage;

namespace FuncSync.Monitoring;

/// <summary>When each channel was last polled and last pushed to successfully, shared by every instance
/// through one row per channel. Each instance writes a channel's row at most every few seconds, so a
/// burst of pushes costs the hot path one write, not one per push.</summary>
public sealed class ChannelActivity(TableClient table, ShopPartition shop, ChannelRegistry registry, TimeProvider time)
{
    private const string Prefix = "activity";
    private static readonly TimeSpan WriteInterval = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<(Channel, string), DateTimeOffset> _written = new();

    public Task RecordPollAsync(Channel channel, CancellationToken cancellationToken) => RecordAsync(channel, "LastPollAt", cancellationToken);

    public Task RecordPushAsync(Channel channel, CancellationToken cancellationToken) => RecordAsync(channel, "LastPushAt", cancellationToken);

    public async Task<IReadOnlyList<ChannelHealth>> ListAsync(CancellationToken cancellationToken)
    {
        var channels = new List<ChannelHealth>();
        foreach (var channel in registry.Channels)
        {
            var row = await table.GetEntityIfExistsAsync<TableEntity>(shop.Key, Key(channel), cancellationToken: cancellationToken);
            channels.Add(new ChannelHealth(channel, row.HasValue ? row.Value!.GetDateTimeOffset("LastPollAt") : null, row.HasValue ? row.Value!.GetDateTimeOffset("LastPushAt") : null));
        }

        return channels;
    }

    private async Task RecordAsync(Channel channel, string property, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var slot = (channel, property);
        if (_written.TryGetValue(slot, out var last) && now - last < WriteInterval)
        {
            return;
        }

        _written[slot] = now;
        try
        {
            await table.UpsertEntityAsync(new TableEntity(shop.Key, Key(channel)) { [property] = now }, TableUpdateMode.Merge, cancellationToken);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            // A health figure must never fail the push or poll it describes; the next one writes it.
            _written.TryRemove(slot, out _);
        }
    }

    private static string Key(Channel channel) => TableKeys.Join(Prefix, channel.ToString());
}

/// <param name="LastPollAt">The last poll that read the channel's orders (null for a channel that sends webhooks instead).</param>
public sealed record ChannelHealth(Channel Channel, DateTimeOffset? LastPollAt, DateTimeOffset? LastPushAt);
