using FuncSync.Catalog;
using FuncSync.Domain;

namespace FuncSync.Push;

/// <summary>Reads and writes one channel's quantity for a mapped SKU.</summary>
public interface IChannelInventory
{
    Channel Channel { get; }

    /// <summary>The quantity the channel shows buyers now (a disabled offering or an inactive
    /// listing shows zero), plus whatever the write needs from the same read.</summary>
    Task<ChannelStock> ReadAsync(SkuMapping mapping, CancellationToken cancellationToken);

    /// <summary>Sets the channel's quantity. Where the channel offers compare-and-set, the write is
    /// conditional on <paramref name="current"/> and throws <see cref="StaleChannelQuantityException"/>
    /// when a buyer changed it meanwhile.</summary>
    Task WriteAsync(SkuMapping mapping, ChannelStock current, int quantity, CancellationToken cancellationToken);

    /// <summary>What one write of <paramref name="mapping"/> replaces, when that is more than this SKU (Etsy's inventory
    /// PUT replaces every product of the listing): pushes of one unit run one at a time, so none sends back a copy of
    /// another's SKU older than that push's verified write. Null where a write touches only this SKU.</summary>
    string? WriteUnit(SkuMapping mapping) => null;
}

/// <param name="Snapshot">Connector state from the read that the write reuses (e.g. Etsy's whole
/// inventory structure, which a write must send back complete).</param>
public sealed record ChannelStock(int Quantity, object? Snapshot = null);

/// <summary>The channel refused a conditional write: its quantity is no longer what was read.</summary>
/// <remarks>Connectors derive from it to say more (see ShopifyStaleQuantityException).</remarks>
public class StaleChannelQuantityException : Exception
{
    public StaleChannelQuantityException()
    {
    }

    public StaleChannelQuantityException(string message)
        : base(message)
    {
    }

    public StaleChannelQuantityException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>A channel answered with an error that retrying the same request cannot fix.</summary>
public sealed class ChannelRequestException : Exception
{
    public ChannelRequestException()
    {
    }

    public ChannelRequestException(string message)
        : base(message)
    {
    }

    public ChannelRequestException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
