using FuncSync.Alerts;
using FuncSync.App.Tests.Infrastructure;
using FuncSync.Domain;
using FuncSync.Push;
using FuncSync.Simulators.Ebay;
using FuncSync.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace FuncSync.App.Tests.Ebay;

/// <summary>eBay's 250 revisions per listing per day, scaled down to 10 in app and simulator alike: FuncSync never sends
/// the revision eBay would refuse, keeps the last ones for decreases, and tells the seller.</summary>
[Collection(AzuriteTests.Name)]
public sealed class EbayRevisionBudgetTests(AzuriteFixture azurite)
{
    private const int Limit = 10;
    private const int Reserve = 3;

    [Fact]
    public async Task Writes_PastTheDailyLimit_NeverSentAndNoneRefused()
    {
        await using var app = await StartAsync();
        var item = await app.LoadAsync("EBAY-BUDGET-01", 30, 421);
        var inventory = app.App.App.Services.GetRequiredKeyedService<IChannelInventory>(Channel.Ebay);
        var listing = TestItem.EbayListingOf(item.EbaySku);

        var written = 0;
        var deferred = 0;
        for (var quantity = 29; quantity > 9; quantity--)
        {
            try
            {
                await inventory.WriteAsync(item.Mapping, await inventory.ReadAsync(item.Mapping, CancellationToken.None), quantity, CancellationToken.None);
                written++;
            }
            catch (ChannelThrottledException ex)
            {
                deferred++;
                Assert.True(ex.RetryAfter > TimeSpan.Zero);
            }
        }

        Assert.Equal(Limit, app.Ebay.RevisionsToday(listing));
        Assert.Equal(Limit, written);
        Assert.Equal(20 - Limit, deferred);
        Assert.Equal(0, app.Ebay.RevisionsRefused);
        Assert.Equal(30 - Limit, app.Ebay.GetShown(item.EbaySku));
    }

    [Fact]
    public async Task BudgetLow_IncreaseWaitsDecreaseWritten_SellerAlerted()
    {
        await using var app = await StartAsync();
        var item = await app.LoadAsync("EBAY-BUDGET-02", 30, 422);
        var inventory = app.App.App.Services.GetRequiredKeyedService<IChannelInventory>(Channel.Ebay);
        var listing = TestItem.EbayListingOf(item.EbaySku);
        for (var i = 0; i < Limit - Reserve; i++)
        {
            await inventory.WriteAsync(item.Mapping, await inventory.ReadAsync(item.Mapping, CancellationToken.None), 20 + (i % 2), CancellationToken.None);
        }

        var shown = app.Ebay.GetShown(item.EbaySku);
        await Assert.ThrowsAsync<ChannelThrottledException>(async () =>
            await inventory.WriteAsync(item.Mapping, await inventory.ReadAsync(item.Mapping, CancellationToken.None), shown + 5, CancellationToken.None));
        Assert.Equal(shown, app.Ebay.GetShown(item.EbaySku));

        await inventory.WriteAsync(item.Mapping, await inventory.ReadAsync(item.Mapping, CancellationToken.None), shown - 4, CancellationToken.None);

        Assert.Equal(shown - 4, app.Ebay.GetShown(item.EbaySku));
        Assert.Equal(Limit - Reserve + 1, app.Ebay.RevisionsToday(listing));
        var alerts = app.App.App.Services.GetRequiredService<AlertStore>();
        await Eventually.WaitAsync(
            async () => await alerts.IsActiveAsync(AlertKind.ChannelLimit, "ebay-revisions:" + listing, CancellationToken.None),
            TimeSpan.FromSeconds(20),
            "the seller is alerted that the listing's revisions run low");
    }

    private Task<EbayTestApp> StartAsync() =>
        EbayTestApp.StartAsync(
            azurite,
            new EbaySimulatorOptions { RevisionsPerListingPerDay = Limit },
            new Dictionary<string, string?> { ["Ebay:RevisionsReservedForDecreases"] = Reserve.ToString(System.Globalization.CultureInfo.InvariantCulture) });
}
