using System.Net;
using FuncSync.App.Tests.Infrastructure;
using FuncSync.Domain;
using FuncSync.Etsy;
using FuncSync.Json;
using FuncSync.Testing;
using FuncSync.Timeline;

namespace FuncSync.App.Tests.Timeline;

[Collection(AzuriteTests.Name)]
public sealed class SkuTimelineTests(AzuriteFixture azurite)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Timeline_ShopifySaleThenEtsySale_EveryStepInOrder()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite, FuncSync.App.Tests.Etsy.EtsyTestSettings.ManualPolling);
        var item = new TestItem("TIMELINE-01", 5, 131);
        await app.LoadAsync(item);
        await app.DrainedAsync(app.Names.ChannelPushQueue);

        var order = await app.Shopify.PlaceOrderAsync([(item.ShopifyVariantId, 1)]);
        await Eventually.WaitAsync(() => app.Etsy.GetQuantity(item.EtsyListingId, item.Sku) == 4, Deadline, "Etsy shows the Shopify sale");
        Assert.NotNull(app.Etsy.PlaceOrder(item.EtsyListingId, item.Sku, 1));
        Assert.Equal(HttpStatusCode.OK, (await app.RunTimerAsync(EtsyReceiptPollFunction.Name)).StatusCode);
        await Eventually.WaitAsync(() => app.Shopify.GetAvailable(item.ShopifyInventoryItemId, TestItem.LocationId) == 3, Deadline, "Shopify shows the Etsy sale");
        await app.DrainedAsync(app.Names.ChannelPushQueue);

        var timeline = await app.GetJsonAsync($"api/skus/{item.Sku}/timeline", FuncSyncJson.Default.SkuTimeline);

        Assert.Equal(item.Sku, timeline.Sku);
        Assert.Equal(timeline.Entries.OrderBy(e => e.At).Select(e => e.At), timeline.Entries.Select(e => e.At));
        AssertStory(timeline.Entries, Channel.Shopify, Channel.Etsy);
        AssertStory(timeline.Entries, Channel.Etsy, Channel.Shopify);
        var accepted = timeline.Entries.Where(e => e.Step == TimelineSteps.PushAccepted).ToList();
        Assert.All(accepted, e => Assert.True(e.LatencyMs >= 0 && e.Attempt == 1, $"{e.Step} {e.LatencyMs} {e.Attempt}"));
        Assert.Contains(timeline.Entries, e => e.Step == TimelineSteps.Committed && e.Detail!.StartsWith("count", StringComparison.Ordinal));

        // Each commit carries the shelf's three figures after it: the count put 5 on hand; each sale commits a unit
        // (unshipped, so still on hand) and takes one from what can be sold.
        var commits = timeline.Entries.Where(e => e.Step == TimelineSteps.Committed).Select(e => (e.OnHand, e.Committed, e.Available)).ToList();
        Assert.Equal([(5, 0, 5), (5, 1, 4), (5, 2, 3)], commits);
        Assert.NotNull(order);
    }

    [Fact]
    public async Task Timeline_UnknownSku_NotFound()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);

        using var response = await app.Http.GetAsync("api/skus/NOPE/timeline");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    /// <summary>The sale on <paramref name="soldOn"/> is sold, received, committed, then written to <paramref name="pushedTo"/>
    /// and accepted there, each step no earlier than the one before, all under the sale's event id.</summary>
    private static void AssertStory(IReadOnlyList<TimelineEntry> entries, Channel soldOn, Channel pushedTo)
    {
        var sale = Assert.Single(entries, e => e.Step == TimelineSteps.Sale && e.Channel == soldOn);
        var steps = new[]
        {
            sale,
            Assert.Single(entries, e => e.Step == TimelineSteps.Received && e.EventId == sale.EventId),
            Assert.Single(entries, e => e.Step == TimelineSteps.Committed && e.EventId == sale.EventId),
            // Two pushes racing for one change may both write (level-triggered, so harmlessly): the first tells the story.
            entries.First(e => e.Step == TimelineSteps.PushAttempt && e.Channel == pushedTo && e.EventId == sale.EventId),
            entries.First(e => e.Step == TimelineSteps.PushAccepted && e.Channel == pushedTo && e.EventId == sale.EventId),
        };
        for (var i = 1; i < steps.Length; i++)
        {
            Assert.True(steps[i - 1].At <= steps[i].At, $"{steps[i - 1].Step} at {steps[i - 1].At:O} comes before {steps[i].Step} at {steps[i].At:O}");
        }
    }
}
