using FuncSync.Catalog;
using FuncSync.Domain;
using FuncSync.Ledger;
using FuncSync.Push;

namespace FuncSync.Skus;

/// <summary>Answer of <c>GET /api/skus/{sku}</c>: the master quantity and, per channel, what it was
/// last seen or made to show, and when.</summary>
/// <param name="Components">Empty unless the SKU is a bundle or made-to-order listing, whose available quantity is derived from these.</param>
public sealed record SkuStatus(string Sku, string Title, int Available, long LedgerVersion, DateTimeOffset? UpdatedAt, IReadOnlyList<ChannelStatus> Channels, IReadOnlyList<ComponentStatus> Components);

public sealed record ComponentStatus(string Sku, int PerUnit);

public sealed record ChannelStatus(Channel Channel, string Listing, int? Shown, int? Target, PushStatus? Status, DateTimeOffset? CheckedAt, DateTimeOffset? WrittenAt);

/// <summary>The HTTP function behind <c>GET /api/skus/{sku}</c>.</summary>
public sealed class SkuStatusFunction(SkuMapStore map, LedgerStore ledger, PushStore pushes)
{
    public const string Name = "GetSku";
    public const string Route = "skus/{sku}";

    public async Task<SkuStatus?> GetAsync(string sku, CancellationToken cancellationToken)
    {
        if (await map.GetAsync(sku, cancellationToken) is not { } mapping)
        {
            return null;
        }

        var stock = await ledger.GetAvailabilityAsync(mapping, cancellationToken);

        var records = (await pushes.ListAsync(sku, cancellationToken)).ToDictionary(r => r.Channel);
        var channels = mapping.Listings.Select(listing =>
        {
            var record = records.GetValueOrDefault(listing.Channel);
            return new ChannelStatus(listing.Channel, listing.Key, record?.Shown, record?.Target, record?.Status, record?.CheckedAt, record?.WrittenAt);
        }).ToList();
        return new SkuStatus(sku, mapping.Title, stock.Available, stock.Version, stock.UpdatedAt, channels, mapping.Parts.Select(c => new ComponentStatus(c.Sku, c.PerUnit)).ToList());
    }
}
