using System.Globalization;
using Azure;
using Azure.Data.Tables;
using FuncSync.Domain.Oversells;
using FuncSync.Ledger;
using FuncSync.Storage;
using Microsoft.Extensions.Options;

namespace FuncSync.Standing;

/// <summary>Per channel and calendar month (UTC): the orders the ledger applied and the cancellations its
/// oversells called for. Orders are counted by the ledger's own transaction (<see cref="LedgerStore.CountOrdersAsync"/>),
/// so a redelivered sale counts once and a crash loses none; the cancellations FuncSync advised are counted here, spread
/// over <see cref="Shards"/> rows of the shop's partition and summed when read (orders counted here before the ledger
/// kept them are summed too).</summary>
public sealed class ChannelStandingStore(TableClient table, ShopPartition shop, LedgerStore ledger, TimeProvider time, IOptions<StandingOptions> options)
{
    // Each attempt picks a shard at random, so a run of collisions is a run of bad luck, not a hot row: with two dozen
    // counts at once over 16 shards, 10 attempts still lost a count now and then (seen once in 300 on a fast machine);
    // 40 make that about a billion times rarer, at two storage operations an attempt.
    private const int MaxAttempts = 40;

    /// <summary>Rows a channel's month is spread over.</summary>
    public const int Shards = 16;

    /// <summary>Months the figures go back, this one included.</summary>
    public const int MonthsShown = 13;

    public static string Month(DateTimeOffset when) => OrderLines.Month(when);

    public Task<ChannelMonth> CountCancellationAsync(string channel, DateTimeOffset when, CancellationToken cancellationToken) =>
        AddAsync(channel, Month(when), orders: 0, cancellations: 1, cancellationToken);

    public async Task<IReadOnlyList<ChannelMonth>> ListAsync(CancellationToken cancellationToken)
    {
        var from = Month(time.GetUtcNow().AddMonths(1 - MonthsShown));
        var ordersTask = ledger.CountOrdersAsync(from, cancellationToken);
        var shards = new List<ChannelMonth>();
        await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {shop.Key} and RowKey ge {from}"), cancellationToken: cancellationToken))
        {
            shards.Add(FromEntity(row));
        }

        shards.AddRange((await ordersTask).Select(o => Figures(o.Key.Channel.ToString(), o.Key.Month, o.Value, 0)));
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

    private ChannelMonth FromEntity(TableEntity row) =>
        Figures(row.GetString("Channel") ?? string.Empty, row.GetString("Month") ?? string.Empty, row.GetInt64("Orders") ?? 0, row.GetInt64("Cancellations") ?? 0);

    private ChannelMonth Figures(string channel, string month, long orders, long cancellations) =>
        new(channel, month, orders, cancellations, options.Value.CancellationThresholds.TryGetValue(channel, out var threshold) ? threshold : null);
}

/// <summary>One channel's month.</summary>
/// <param name="Cancellations">Orders cancelled because of an oversell (the cancellation FuncSync advised).</param>
/// <param name="Threshold">The channel's line, as a fraction; null when it holds sellers to none.</param>
public sealed record ChannelMonth(string Channel, string Month, long Orders, long Cancellations, double? Threshold)
{
    public double Rate => Orders == 0 ? 0 : (double)Cancellations / Orders;

    public bool NearLine => new ChannelCancellationCost(Channel, Threshold, Rate).NearLine;
}
