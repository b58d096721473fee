using FuncSync.Catalog;
using FuncSync.Domain;

namespace FuncSync.Reconciliation;

/// <summary>A channel's "read" capability for reconciliation: what many mapped listings show buyers now, in as few
/// requests as the channel allows.</summary>
public interface IChannelQuantityReader
{
    Channel Channel { get; }

    /// <param name="mappings">SKUs mapped on <see cref="Channel"/>.</param>
    Task<ChannelQuantities> ReadAsync(IReadOnlyList<SkuMapping> mappings, CancellationToken cancellationToken);
}

/// <param name="Shown">Per SKU, what its listing shows; a SKU whose listing the channel no longer has is absent
/// (the mapping audit reports those).</param>
/// <param name="Requests">Requests spent, for the report and the budget.</param>
public sealed record ChannelQuantities(IReadOnlyDictionary<string, ShownQuantity> Shown, int Requests);

/// <param name="ChangedAt">When the channel last changed the listing, where it says (Etsy's
/// <c>last_modified_timestamp</c>): a change after the last import may be a sale not imported yet.</param>
public sealed record ShownQuantity(int Quantity, DateTimeOffset? ChangedAt);
