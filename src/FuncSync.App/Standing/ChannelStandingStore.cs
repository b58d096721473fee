using System.Globalization;
using Azure;
using Azure.Data.Tables;
using FuncSync.Domain.Oversells;
using FuncSync.Storage;
using Microsoft.Extensions.Options;

namespace FuncSync.Standing;

/// <summary>Per channel and calendar month (UTC): the orders the ledger applied and the cancellations its
/// oversells called for, in the shop's partition. Every sale counts, so one row per channel and month would be the
/// hottest row of the shop (at 10 orders a second, a quarter of the counts lost to 412s after ten attempts): the count is
/// spread over <see cref="Shards"/> rows and summed when read. The ledger counts an event only the first time it applies
/// it, so a redelivered sale is not counted twice; a crash between the ledger's commit and this count loses that one
/// order from the month's figure, never adds one.</summary>
public sealed class ChannelStandingStore(TableClient table, ShopPartition shop, IOptions<StandingOptions> options)
{
    // Each attempt picks a shard at random, so a run of collisions is a run of bad luck, not a hot row: with two dozen
    // counts at once over 16 shards, 10 attempts still lost a count now and then (seen once in 300 on a fast machine);
    // 40 make that about a billion times rarer, at two storage operations an attempt.
    private const int MaxAttempts = 40;

    /// <summary>Rows a channel's month is spread over.</summary>
    public const int Shards = 16;

    public static string Month(DateTimeOffset when) => when.UtcDateTime.ToString("yyyy-MM", CultureInfo.InvariantCulture);

    /// <summary>Counts an order; on the hot path, so it reads nothing back.</summary>
    public Task CountOrderAsync(string channel, DateTimeOffset when, CancellationToken cancellationToken) =>
        AddToShardAsync(channel, Month(when), orders: 1, cancellations: 0, cancellationToken);

    public Task<ChannelMonth> CountCancellationAsync(string channel, DateTimeOffset when, CancellationToken cancellationToken) =>
        AddAsync(channel, Month(when), orders: 0, cancellations: 1, cancellationToken);

    public async Task<IReadOnlyList<ChannelMonth>> ListAsync(CancellationToken cancellationToken)
    {
        var shards = new List<ChannelMonth>();
        await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {shop.Key}"), cancellationToken: cancellationToken))
        {
            shards.Add(FromEntity(row));
        }

        return [.. shards
            .GroupBy(m => (m.Month, m.Channel))
            .Select(g => g.First() with { Orders = g.Sum(m => m.Orders), Cancellations = g.Sum(m => m.Cancellations) })
            .OrderByDescending(m => m.Month, StringComparer.Ordinal)
            .ThenBy(m => m.Channel, StringComparer.Ordinal)];
    }

    /// <summary>What cancelling costs on each channel this month, for the oversell advice.</summary>
    public async Task<IReadOnlyList<ChannelCancellationCost>> CostsAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var month = Month(now);
        return [.. (await ListAsync(cancellationToken)).Where(m => m.Month == month).Select(m => new ChannelCancellationCost(m.Channel, m.Threshold, m.Rate))];
    }

    /// <returns>The channel's whole month after the count.</returns>
    private async Task<ChannelMonth> AddAsync(string channel, string month, int orders, int cancellations, CancellationToken cancellationToken)
    {
        await AddToShardAsync(channel, month, orders, cancellations, cancellationToken);
        return (await ListAsync(cancellationToken)).Single(m => m.Month == month && m.Channel == channel);
    }

    private async Task AddToShardAsync(string channel, string month, int orders, int cancellations, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            // Any spread will do (this is load spreading, not security): concurrent counts rarely pick the same row, and
            // after a collision the count tries another one.
#pragma warning disable CA5394
            var shard = Random.Shared.Next(Shards);
#pragma warning restore CA5394
            var rowKey = TableKeys.Join(month, channel, shard.ToString("D2", CultureInfo.InvariantCulture));
            var existing = await table.GetEntityIfExistsAsync<TableEntity>(shop.Key, rowKey, cancellationToken: cancellationToken);
            var row = new TableEntity(shop.Key, rowKey)
            {
                ["Channel"] = channel,
                ["Month"] = month,
                ["Orders"] = (existing.HasValue ? existing.Value!.GetInt64("Orders") ?? 0 : 0) + orders,
                ["Cancellations"] = (existing.HasValue ? existing.Value!.GetInt64("Cancellations") ?? 0 : 0) + cancellations,
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
            catch (RequestFailedException ex) when (ex.Status is 409 or 412 && attempt < MaxAttempts)
            {
                // Another sale counted meanwhile: count again on the fresh row.
            }
        }
    }

    private ChannelMonth FromEntity(TableEntity row)
    {
        var channel = row.GetString("Channel") ?? string.Empty;
        return new ChannelMonth(
            channel,
            row.GetString("Month") ?? string.Empty,
            row.GetInt64("Orders") ?? 0,
            row.GetInt64("Cancellations") ?? 0,
            options.Value.CancellationThresholds.TryGetValue(channel, out var threshold) ? threshold : null);
    }
}

/// <summary>One channel's month.</summary>
/// <param name="Cancellations">Orders cancelled because of an oversell (the cancellation FuncSync advised).</param>
/// <param name="Threshold">The channel's line, as a fraction; null when it holds sellers to none.</param>
public sealed record ChannelMonth(string Channel, string Month, long Orders, long Cancellations, double? Threshold)
{
    public double Rate => Orders == 0 ? 0 : (double)Cancellations / Orders;

    public bool NearLine => new ChannelCancellationCost(Channel, Threshold, Rate).NearLine;
}
