using FuncSync.App.Tests.Channels;
using FuncSync.App.Tests.Infrastructure;
using FuncSync.Domain;
using FuncSync.Simulators.Amazon;
using FuncSync.Testing;

namespace FuncSync.App.Tests.Amazon;

/// <summary>Amazon for the channel contract suite: the item's merchant-fulfilled listing, patches applied at once (the
/// delay has its own tests). Amazon has no webhooks (its notifications arrive on an SQS queue, which its own tests
/// drive), so the contract's webhook rows do not apply to it.</summary>
internal sealed class AmazonChannelContract : ChannelContract
{
    public override Channel Channel => Channel.Amazon;

    public override Task<FuncSyncTestApp> StartAppAsync(AzuriteFixture azurite) =>
        FuncSyncTestApp.StartAsync(azurite, Settings, amazonOptions: new AmazonSimulatorOptions { PatchDelay = TimeSpan.Zero, OrderVisibilityDelay = TimeSpan.Zero });

    public override TestItem Item(string sku, int quantity, int n) => new(sku, quantity, n) { OnAmazon = true };

    public override int Shown(FuncSyncTestApp app, TestItem item) => app.Amazon!.GetQuantity(item.AmazonSellerSku);

    public override Task ChangeOnChannelAsync(FuncSyncTestApp app, TestItem item, int quantity) =>
        throw new NotSupportedException("Amazon offers no compare-and-set, so the contract never changes it behind a read.");

    public override Func<bool, HttpRequestMessage> PrepareOrder(FuncSyncTestApp app, TestItem item, int quantity) =>
        throw new NotSupportedException("Amazon delivers orders to an SQS queue, not a webhook.");
}
