using Azure.Data.Tables;
using FuncSync.Domain;
using FuncSync.Domain.Ledger;

namespace FuncSync.Ledger;

/// <summary>Per SKU and channel, the units sold through that channel's listing of the SKU that the
/// ledger has applied: <c>SoldShopify</c>, <c>SoldEtsy</c>, ... on the SKU's stock row (a composed
/// SKU's on a counter row of its own). They only grow. A push compares a channel's count with them
/// to find the channel's sales that have not reached the ledger yet.</summary>
public static class SoldCounters
{
    private const string Prefix = "Sold";

    public static IReadOnlyDictionary<Channel, long> None { get; } = new Dictionary<Channel, long>();

    /// <summary>The listing sale an event counts as, or null: only a sale reported by a channel
    /// moves a listing's own count on that channel.</summary>
    public static ChannelSale? Sale(InventoryEventReceived received) =>
        received.Kind == InventoryEventKind.Sale && received.Listing is { } listing && received.Sku is { } sku && received.Quantity > 0
            ? new ChannelSale(sku, listing.Channel, received.Quantity)
            : null;

    public static IReadOnlyDictionary<Channel, long> Read(TableEntity row)
    {
        var sold = new Dictionary<Channel, long>();
        foreach (var channel in Enum.GetValues<Channel>())
        {
            if (row.GetInt64(Prefix + channel) is { } count)
            {
                sold[channel] = count;
            }
        }

        return sold;
    }

    /// <summary>Carries the counters over to the row being written, with <paramref name="sale"/> added.</summary>
    public static void Write(TableEntity row, IReadOnlyDictionary<Channel, long> before, ChannelSale? sale)
    {
        foreach (var (channel, count) in before)
        {
            row[Prefix + channel] = count;
        }

        if (sale is { } s)
        {
            row[Prefix + s.Channel] = before.GetValueOrDefault(s.Channel) + s.Units;
        }
    }
}

/// <summary>Units of <paramref name="Sku"/> sold through its listing on <paramref name="Channel"/>.</summary>
public sealed record ChannelSale(string Sku, Channel Channel, int Units);
