using FuncSync.Domain;
using FuncSync.Domain.Costing;
using FuncSync.Domain.Ledger;

namespace FuncSync.Ledger;

/// <summary>A stock-moving event normalised from a channel (or a person), as it travels on the
/// <c>inventory-events</c> queue. Either <see cref="Listing"/> names the channel listing it concerns
/// (resolved to a SKU through the map) or <see cref="Sku"/> names the SKU directly.</summary>
/// <param name="EventId">Unique per source event: replays of the same id are applied once.</param>
/// <param name="Source">Who reported it: a channel name, <c>admin</c> or <c>demo</c>.</param>
/// <param name="OccurredAt">When it happened at the source (the sale on the channel).</param>
/// <param name="ReceivedAt">When FuncSync received it: the start of the lag it measures.</param>
/// <param name="Reference">A human-readable pointer, e.g. an order name, for history and alerts.</param>
/// <param name="Reason">Why a person changed stock (adjustments: damaged, found, gift, ...).</param>
/// <param name="SoldAt">For a shipment or a cancellation: when its order was placed, when the channel
/// says (rows upgraded to on hand and committed ship older orders the old way).</param>
/// <param name="RestockOf">For a cancellation or return reported by a channel: the event id of the sale it gives
/// units back from. The ledger restocks at most what that sale took, less what was already restocked.</param>
/// <param name="SkipIfUnmapped">The channel does not count this listing's stock itself (a Shopify line whose stock
/// a fulfilment service or nobody manages): mapped, it moves the ledger like any sale; unmapped, it is dropped, not
/// parked, since nobody meant to sync it.</param>
/// <param name="LineTotal">For a sale reported by a channel: what the buyer paid for these units, before tax and shipping
/// and after the line's own discounts, as the channel reports it; null when it gives none. The margin report's revenue.</param>
public sealed record InventoryEventReceived(
    string EventId,
    InventoryEventKind Kind,
    string Source,
    ListingRef? Listing,
    string? Sku,
    int Quantity,
    DateTimeOffset OccurredAt,
    DateTimeOffset ReceivedAt,
    string? Reference,
    string? Reason = null,
    DateTimeOffset? SoldAt = null,
    string? RestockOf = null,
    bool SkipIfUnmapped = false,
    Money? LineTotal = null);

/// <summary>A listing on a channel, by the key that channel reports sales with.</summary>
public sealed record ListingRef(Channel Channel, string Key);
