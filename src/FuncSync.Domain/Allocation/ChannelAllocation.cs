namespace FuncSync.Domain.Allocation;

/// <summary>What a channel is shown for a master quantity. The protected zone of the allocation
/// policy builds on this; for now every channel shows the master quantity, never less than zero.</summary>
public static class ChannelAllocation
{
    /// <summary>Channels cannot list a negative quantity; an oversold SKU shows zero everywhere.</summary>
    public static int QuantityToShow(int available) => Math.Max(0, available);
}
