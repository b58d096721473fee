using System.Net;
using System.Text.Json.Nodes;
using FuncSync.Alerts;
using FuncSync.App.Tests.Infrastructure;
using FuncSync.Domain;
using FuncSync.Monitoring;
using FuncSync.Testing;

namespace FuncSync.App.Tests.Monitoring;

[Collection(AzuriteTests.Name)]
public sealed class PoisonRedriveTests(AzuriteFixture azurite)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task EtsyPush_FailsFiveTimes_OnePoisonMessageOneAlert_RedriveAfterTheFixDelivers()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        var item = new TestItem("VASE-BLUE-01", 6, 71);
        await app.LoadAsync(item);

        // Etsy refuses every inventory write until the seller's fix. The applier's own push (made as the count is applied)
        // fails once and is queued; the queued message's fifth failed attempt goes to poison.
        // Pushes are level-triggered, so a second push message for the listing (the outbox sweep re-sending one whose
        // row a busy machine had not yet deleted) is allowed: it fails the same way, and every count below is taken
        // from what Etsy actually refused, not from an assumption of one message.
        var refusing = true;
        app.Etsy.InjectFaults(r => Volatile.Read(ref refusing) && r.Method == "PUT", int.MaxValue, 400);
        (await app.CountAsync(item.Sku, """{"quantity": 4}""")).EnsureSuccessStatusCode();

        var poison = app.Storage.Queue(app.Names.ChannelPushQueue + "-poison");
        await Eventually.WaitAsync(async () => await poison.ExistsAsync() && (await poison.GetPropertiesAsync()).Value.ApproximateMessagesCount >= 1, Deadline, "the push reaches the poison queue");
        await app.DrainedAsync(app.Names.ChannelPushQueue);
        var refused = app.Etsy.RequestLog.Count(r => r.StartsWith("PUT ", StringComparison.Ordinal));
        var poisonedMessages = (await poison.GetPropertiesAsync()).Value.ApproximateMessagesCount;
        var failed = await app.AlertEventuallyAsync(AlertKind.PushFailed, PushFailureAlerts.KeyFor(item.Sku, Channel.Etsy), a => a.Count == refused, "every failed attempt is counted on one alert");
        var poisoned = await app.AlertEventuallyAsync(AlertKind.PoisonMessage, PoisonQueueMonitor.AlertKey(app.Names.ChannelPushQueue), _ => true, "the poison message is alerted");

        Assert.Equal(1 + 5 * poisonedMessages, refused);
        Assert.Equal(AlertStatus.Open, failed.Status);
        Assert.Equal(item.Sku, failed.Sku);
        Assert.Contains("Etsy", failed.Message, StringComparison.Ordinal);
        Assert.Single(await app.AlertListAsync(), a => a.Kind == AlertKind.PushFailed);
        Assert.InRange(poisoned.Count, 1, poisonedMessages);
        Assert.Equal(6, app.Etsy.GetQuantity(item.EtsyListingId, item.Sku));

        Volatile.Write(ref refusing, false);
        using var redrive = await app.Http.PostAsync($"api/poison/{app.Names.ChannelPushQueue}/redrive", null);

        Assert.Equal(HttpStatusCode.OK, redrive.StatusCode);
        var result = JsonNode.Parse(await redrive.Content.ReadAsStringAsync())!;
        Assert.Equal(app.Names.ChannelPushQueue, result["queue"]!.GetValue<string>());
        Assert.Equal(poisonedMessages, result["moved"]!.GetValue<int>());
        await Eventually.WaitAsync(() => app.Etsy.GetQuantity(item.EtsyListingId, item.Sku) == 4, Deadline, "Etsy shows the ledger's number");
        await app.AlertEventuallyAsync(AlertKind.PushFailed, failed.Key, a => a.Status == AlertStatus.Resolved, "the push failure resolves");
        await app.AlertEventuallyAsync(AlertKind.PoisonMessage, poisoned.Key, a => a.Status == AlertStatus.Resolved, "the poison alert resolves");
        Assert.Equal(0, (await poison.GetPropertiesAsync()).Value.ApproximateMessagesCount);
    }

    [Fact]
    public async Task Redrive_UnknownQueue_NotFound()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);

        using var response = await app.Http.PostAsync("api/poison/no-such-queue/redrive", null);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task PoisonWatch_PoisonQueueFilledBehindOurBack_RaisesThenClearsWhenEmptied()
    {
        // Under the Functions host the host moves messages itself; the timer is what notices.
        await using var app = await FuncSyncTestApp.StartAsync(azurite, new Dictionary<string, string?> { ["Monitoring:PoisonWatchSchedule"] = FuncSyncTestApp.NeverSchedule });
        var poison = app.Storage.Queue(app.Names.InventoryEventsQueue + "-poison");
        await poison.CreateIfNotExistsAsync();
        await poison.SendMessageAsync("""{"eventId":"x"}""");

        Assert.Equal(HttpStatusCode.OK, (await app.RunTimerAsync(PoisonWatchFunction.Name)).StatusCode);
        var alert = await app.AlertEventuallyAsync(AlertKind.PoisonMessage, PoisonQueueMonitor.AlertKey(app.Names.InventoryEventsQueue), _ => true, "the timer raises it");
        Assert.Contains("1 message(s)", alert.Message, StringComparison.Ordinal);

        await poison.ClearMessagesAsync();
        await app.RunTimerAsync(PoisonWatchFunction.Name);
        await app.AlertEventuallyAsync(AlertKind.PoisonMessage, alert.Key, a => a.Status == AlertStatus.Resolved, "the emptied queue clears it");
    }
}
