using FuncSync.App.Tests.Ebay;
using FuncSync.App.Tests.Etsy;
using FuncSync.App.Tests.Infrastructure;
using FuncSync.App.Tests.Shopify;
using FuncSync.App.Tests.Square;
using FuncSync.App.Tests.WooCommerce;
using FuncSync.Domain;

namespace FuncSync.App.Tests.Channels;

/// <summary>What the contract suite needs from a channel's simulator, beside the app's own modules: where the
/// channel's truth is, how a buyer or the seller changes it behind FuncSync's back, and how the channel delivers an
/// order. A new channel adds its adapter (in its own test folder) and one row to <see cref="All"/>.</summary>
internal abstract class ChannelContract
{
    public static IReadOnlyList<ChannelContract> All { get; } =
    [
        new ShopifyChannelContract(),
        new EtsyChannelContract(),
        new SquareChannelContract(),
        new WooCommerceChannelContract(),
        new EbayChannelContract(),
        new Amazon.AmazonChannelContract(),
    ];

    public abstract Channel Channel { get; }

    /// <summary>Settings the app starts with for this channel's contract (e.g. a webhook secret).</summary>
    public virtual IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>();

    /// <summary>The app with the simulators this channel needs (the test app starts Shopify's and Etsy's).</summary>
    public virtual Task<FuncSyncTestApp> StartAppAsync(Testing.AzuriteFixture azurite) => FuncSyncTestApp.StartAsync(azurite, Settings);

    /// <summary>The contract's item, listed on this channel.</summary>
    public virtual TestItem Item(string sku, int quantity, int n) => new(sku, quantity, n);

    /// <summary>What the channel's simulator shows buyers for the item, read from the simulator itself.</summary>
    public abstract int Shown(FuncSyncTestApp app, TestItem item);

    /// <summary>Changes the item's quantity on the channel the way someone other than FuncSync would (an admin edit, a
    /// sale). Only called for channels with compare-and-set.</summary>
    public abstract Task ChangeOnChannelAsync(FuncSyncTestApp app, TestItem item, int quantity);

    /// <summary>Makes one order of <paramref name="quantity"/> of the item on the channel without delivering it, and
    /// returns a factory of its delivery to <c>/api/webhooks/{channel}</c>: each call builds the same delivery again
    /// (a redelivery), signed with the channel's secret when <c>validSignature</c>, else with another one.</summary>
    public abstract Func<bool, HttpRequestMessage> PrepareOrder(FuncSyncTestApp app, TestItem item, int quantity);

    public override string ToString() => Channel.ToString();
}
