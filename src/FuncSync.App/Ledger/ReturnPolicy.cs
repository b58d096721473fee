using FuncSync.Domain;
using FuncSync.Domain.Ledger;

namespace FuncSync.Ledger;

/// <summary>Per channel, whether returned units go straight back on sale or wait for inspection
/// (<c>Returns__Etsy=Inspect</c>). Unset channels restock, as the channel's own refund flow did.</summary>
public sealed class ReturnPolicy
{
    public const string Section = "Returns";

    public Dictionary<Channel, ReturnDisposition> Channels { get; } = [];

    public ReturnDisposition For(Channel? channel) =>
        channel is { } c && Channels.TryGetValue(c, out var disposition) ? disposition : ReturnDisposition.Restock;
}
