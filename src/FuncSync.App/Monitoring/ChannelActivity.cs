using System.Collections.Concurrent;
using System.Globalization;
using Azure;
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
    private const string BackstopPrefix = "backstop";
    private const string CaughtPrefix = "caught";

    /// <summary>The gaps the 95th percentile is taken over: the most recent ones.</summary>
    public const int BackstopGapsKept = 100;
    private static readonly TimeSpan WriteInterval = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<(Channel, string), DateTimeOffset> _written = new();

    public Task RecordPollAsync(Channel channel, CancellationToken cancellationToken) => RecordAsync(channel, "LastPollAt", cancellationToken);

    public Task RecordPushAsync(Channel channel, CancellationToken cancellationToken) => RecordAsync(channel, "LastPushAt", cancellationToken);

    public async Task<IReadOnlyList<ChannelHealth>> ListAsync(CancellationToken cancellationToken)
    {
        // The channels' rows at once: health answers within a deadline, and six channels read in turn would spend it.
        return await Task.WhenAll(registry.Channels.Select(channel => ReadAsync(channel, cancellationToken)));
    }

    private async Task<ChannelHealth> ReadAsync(Channel channel, CancellationToken cancellationToken)
    {
        var read = table.GetEntityIfExistsAsync<TableEntity>(shop.Key, Key(channel), cancellationToken: cancellationToken);
        var readBackstop = table.GetEntityIfExistsAsync<TableEntity>(shop.Key, BackstopKey(channel), cancellationToken: cancellationToken);
        var row = await read;
        var backstop = await readBackstop;
        return new ChannelHealth(channel, row.HasValue ? row.Value!.GetDateTimeOffset("LastPollAt") : null, row.HasValue ? row.Value!.GetDateTimeOffset("LastPushAt") : null)
        {
            WebhooksBehind = backstop.HasValue ? Backstop(backstop.Value!) : null,
        };
    }

    /// <summary>A poll that backs up a channel's webhooks found a sale the ledger did not have yet, <paramref name="gap"/>
    /// after it was made: its webhook was lost or late. Counted once per event, however many passes see it.</summary>
    public async Task RecordCaughtAsync(Channel channel, string eventId, TimeSpan gap, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        try
        {
            await table.AddEntityAsync(new TableEntity(shop.Key, TableKeys.Join(CaughtPrefix, channel.ToString(), eventId)) { ["GapSeconds"] = gap.TotalSeconds, ["At"] = now }, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            return;
        }

        try
        {
            await CountCaughtAsync(channel, gap, now, cancellationToken);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            // A health figure must never fail the poll that found the sale; this one sale goes uncounted.
        }
    }

    private async Task CountCaughtAsync(Channel channel, TimeSpan gap, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var key = BackstopKey(channel);
        while (true)
        {
            var existing = await table.GetEntityIfExistsAsync<TableEntity>(shop.Key, key, cancellationToken: cancellationToken);
            var gaps = existing.HasValue ? Gaps(existing.Value!) : [];
            gaps.Add(Math.Round(gap.TotalSeconds, 1));
            var row = new TableEntity(shop.Key, key)
            {
                ["Caught"] = (existing.HasValue ? existing.Value!.GetInt64("Caught") ?? 0 : 0) + 1,
                ["LatestGapSeconds"] = Math.Round(gap.TotalSeconds, 1),
                ["LatestCaughtAt"] = now,
                ["Gaps"] = string.Join(' ', gaps.TakeLast(BackstopGapsKept).Select(g => g.ToString(CultureInfo.InvariantCulture))),
            };
            try
            {
                if (existing.HasValue)
                {
                    await table.UpdateEntityAsync(row, existing.Value!.ETag, TableUpdateMode.Replace, cancellationToken);
                }
                else
                {
                    await table.AddEntityAsync(row, cancellationToken);
                }

                return;
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412)
            {
                // Another pass counted one meanwhile; count on top of it.
            }
        }
    }

    private static WebhooksBehind Backstop(TableEntity row)
    {
        var gaps = Gaps(row);
        gaps.Sort();
        double? p95 = gaps.Count == 0 ? null : gaps[Math.Clamp((int)Math.Ceiling(0.95 * gaps.Count) - 1, 0, gaps.Count - 1)];
        return new WebhooksBehind(row.GetInt64("Caught") ?? 0, row.GetDouble("LatestGapSeconds"), p95, row.GetDateTimeOffset("LatestCaughtAt"));
    }

    private static List<double> Gaps(TableEntity row) =>
        [.. (row.GetString("Gaps") ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(g => double.Parse(g, CultureInfo.InvariantCulture))];

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

    private static string BackstopKey(Channel channel) => TableKeys.Join(BackstopPrefix, channel.ToString());
}

/// <param name="LastPollAt">The last complete poll of the channel's orders: its intake poll, or for a channel that sends
/// webhooks the poll that backs them up (null before the first).</param>
public sealed record ChannelHealth(Channel Channel, DateTimeOffset? LastPollAt, DateTimeOffset? LastPushAt)
{
    /// <summary>For a channel whose webhooks a poll backs up: the sales the poll found before their webhook. Null until
    /// the poll has found one.</summary>
    public WebhooksBehind? WebhooksBehind { get; init; }
}

/// <summary>How far behind a channel's webhooks ran: sales its backstop poll found before the webhook did.</summary>
/// <param name="Caught">Sales the poll found first, since the app began counting.</param>
/// <param name="LatestGapSeconds">How long after the sale the poll found the latest of them.</param>
/// <param name="P95GapSeconds">The 95th percentile of that gap over the last <see cref="ChannelActivity.BackstopGapsKept"/>.</param>
/// <param name="LatestCaughtAt">When the poll found the latest of them.</param>
public sealed record WebhooksBehind(long Caught, double? LatestGapSeconds, double? P95GapSeconds, DateTimeOffset? LatestCaughtAt);
