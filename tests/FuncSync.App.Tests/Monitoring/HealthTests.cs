using System.Net;
using System.Net.Http.Json;
using FuncSync.App.Tests.Infrastructure;
using FuncSync.Domain;
using FuncSync.Etsy;
using FuncSync.Json;
using FuncSync.Monitoring;
using FuncSync.Simulators.Faults;
using FuncSync.Testing;

namespace FuncSync.App.Tests.Monitoring;

[Collection(AzuriteTests.Name)]
public sealed class HealthTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Healthz_StorageHangs_503UnhealthyInsteadOfHanging()
    {
        var (blob, queue, table) = azurite.Ports;
        await using var storage = FreezableStorage.Start(blob, queue, table);
        await using var app = await FuncSyncTestApp.StartAsync(azurite, new Dictionary<string, string?> { ["AzureWebJobsStorage"] = storage.ConnectionString });

        // Far longer than the health deadline, far shorter than the SDK's own retries against a silent socket.
        using var anonymous = new HttpClient { BaseAddress = app.BaseUrl, Timeout = TimeSpan.FromSeconds(60) };
        storage.Freeze();
        try
        {
            using var response = await anonymous.GetAsync("healthz");

            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            var report = (await response.Content.ReadFromJsonAsync(FuncSyncJson.Default.HealthReport))!;
            Assert.Equal(HealthStatus.Unhealthy, report.Status);
        }
        finally
        {
            storage.Thaw();
        }

        await Eventually.WaitAsync(async () => (await anonymous.GetAsync("healthz")).StatusCode == HttpStatusCode.OK, TimeSpan.FromSeconds(30), "healthy again once storage answers");
    }

    [Fact]
    public async Task Healthz_AfterPushesPollAndPoison_ShowsFiguresAndDegraded()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        using var anonymous = new HttpClient { BaseAddress = app.BaseUrl };
        var fresh = (await anonymous.GetFromJsonAsync("healthz", FuncSyncJson.Default.HealthReport))!;
        Assert.Equal(HealthStatus.Healthy, fresh.Status);
        Assert.All(fresh.Channels, c => Assert.Null(c.LastPushAt));

        var item = new TestItem("TILE-GRN-01", 3, 81);
        await app.LoadAsync(item);
        Assert.NotNull(await app.Shopify.PlaceOrderAsync([(item.ShopifyVariantId, 1)]));
        await Eventually.WaitAsync(() => app.Etsy.GetQuantity(item.EtsyListingId, item.Sku) == 2, TimeSpan.FromSeconds(20), "Etsy shows 2");

        // Etsy shows the write before its push is done (the push reads it back, then records it).
        await app.DrainedAsync(app.Names.ChannelPushQueue);
        await app.RunTimerAsync(EtsyReceiptPollFunction.Name);
        var poison = app.Storage.Queue(app.Names.AlertsQueue + "-poison");
        await poison.CreateIfNotExistsAsync();
        await poison.SendMessageAsync("one");
        await poison.SendMessageAsync("two");

        // Health answers 503 when storage takes longer than its deadline, which a loaded test machine's Azurite may:
        // that is health doing its job, so the figures are read from the first answer within the deadline.
        HttpResponseMessage? response = null;
        await Eventually.WaitAsync(
            async () =>
            {
                response?.Dispose();
                response = await anonymous.GetAsync("healthz");
                return response.StatusCode == HttpStatusCode.OK;
            },
            TimeSpan.FromSeconds(30),
            "healthz answers 200 once storage answers within the deadline");
        using var answered = response!;
        var report = (await answered.Content.ReadFromJsonAsync(FuncSyncJson.Default.HealthReport))!;
        Assert.Equal(HealthStatus.Degraded, report.Status);
        Assert.True(report.Storage.Reachable);
        Assert.Equal(app.Names.Queues.Order(), report.Queues.Select(q => q.Name).Order());
        Assert.Equal(2, report.Queues.Single(q => q.Name == app.Names.AlertsQueue).Poison);
        Assert.All(report.Queues.Where(q => q.Name != app.Names.AlertsQueue), q => Assert.Equal(0, q.Poison));
        var etsy = report.Channels.Single(c => c.Channel == Channel.Etsy);
        var shopify = report.Channels.Single(c => c.Channel == Channel.Shopify);
        Assert.NotNull(etsy.LastPushAt);
        Assert.NotNull(etsy.LastPollAt);
        Assert.NotNull(shopify.LastPushAt);
        Assert.Null(shopify.LastPollAt);
        Assert.NotNull(report.Budgets.Single(b => b.Channel == Channel.Etsy).RemainingToday);
        Assert.Equal(0, report.Alerts!.Undelivered);

        // The same report where the Functions host routes HTTP functions, below /api.
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("api/healthz")).StatusCode);
    }
}
