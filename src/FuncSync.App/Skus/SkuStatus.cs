using FuncSync.Catalog;
using FuncSync.Domain;
using FuncSync.Ledger;
using FuncSync.Push;

namespace FuncSync.Skus;

/// <summary>Answer of <c>GET /api/skus/{sku}</c>: the master quantity and, per channel, what it was
/// last seen or made to show, and when.</summary>
public sealed record SkuStatus(string Sku, string Title, int Available, long LedgerVersion, DateTimeOffset? UpdatedAt, IReadOnlyList<ChannelStatus> Channels);

public sealed record ChannelStatus(Channel Channel, string Listing, int? Shown, int? Target, PushStatus? Status, DateTimeOffset? CheckedAt, DateTimeOffset? WrittenAt);

/// <summary>The HTTP function behind <c>GET /api/skus/{sku}</c>.</summary>
public sealed class SkuStatusFunction(SkuMapStore map, LedgerStore ledger, PushStore pushes)
{
    public const string Name = "GetSku";
    public const string Route = "skus/{sku}";

    public async Task<SkuStatus?> GetAsync(string sku, CancellationToken cancellationToken)
    {
        var mapping = await map.GetAsync(sku, cancellationToken);
        var stock = await ledger.GetStockAsync(sku, cancellationToken);
        if (mapping is null && stock.UpdatedAt is null)
        {
            return null;
        }

        var records = (await pushes.ListAsync(sku, cancellationToken)).ToDictionary(r => r.Channel);
        var channels = (mapping?.Listings ?? []).Select(listing =>
        {
            var record = records.GetValueOrDefault(listing.Channel);
            return new ChannelStatus(listing.Channel, listing.Key, record?.Shown, record?.Target, record?.Status, record?.CheckedAt, record?.WrittenAt);
        }).ToList();
        return new SkuStatus(sku, mapping?.Title ?? string.Empty, stock.Available, stock.Version, stock.UpdatedAt, channels);
    }
}
