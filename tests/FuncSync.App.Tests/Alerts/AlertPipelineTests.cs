using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using FuncSync.Alerts;
using FuncSync.App.Tests.Infrastructure;
using FuncSync.Json;
using FuncSync.Monitoring;
using FuncSync.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace FuncSync.App.Tests.Alerts;

/// <summary>The alerts queue function, store, sinks and API, on Azurite, with real HTTP receivers on loopback.</summary>
[Collection(AzuriteTests.Name)]
public sealed class AlertPipelineTests(AzuriteFixture azurite)
{
    private const string WebhookPath = "hooks/funcsync";
    private const string SlackPath = "services/T0001/B0001/not-a-real-secret";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Raise_RepeatedWithinWindowThenCleared_CountedDeliveredOnceAndResolved()
    {
        await using var sink = await SinkReceiver.StartAsync();
        await using var app = await StartAsync(sink, slack: null);

        await app.Alerts().RaiseAsync(AlertKind.Oversell, "oversell:CUP-01", "CUP-01 is oversold by 1.", "CUP-01", CancellationToken.None);
        await app.Alerts().RaiseAsync(AlertKind.Oversell, "oversell:CUP-01", "CUP-01 is oversold by 2.", "CUP-01", CancellationToken.None);
        var open = await app.AlertEventuallyAsync(AlertKind.Oversell, "oversell:CUP-01", a => a.Count == 2, "both raises are counted");
        Assert.Equal(AlertStatus.Open, open.Status);

        await app.Alerts().ClearAsync(AlertKind.Oversell, "oversell:CUP-01", CancellationToken.None);
        var resolved = await app.AlertEventuallyAsync(AlertKind.Oversell, "oversell:CUP-01", a => a.Status == AlertStatus.Resolved, "the clear resolves it");
        await Eventually.WaitAsync(() => sink.Delivered(WebhookPath).Count >= 2, Deadline, "the resolution is delivered");

        // The second raise fell inside the suppression window: one raised delivery, one resolved.
        var events = sink.Delivered(WebhookPath).Select(r => JsonNode.Parse(r.Body)!["event"]!.GetValue<string>()).ToList();
        Assert.Equal(["raised", "resolved"], events);
        Assert.NotNull(resolved.ResolvedAt);
        Assert.Empty(await app.AlertListAsync());

        await app.Alerts().RaiseAsync(AlertKind.Oversell, "oversell:CUP-01", "CUP-01 is oversold again.", "CUP-01", CancellationToken.None);
        var reopened = await app.AlertEventuallyAsync(AlertKind.Oversell, "oversell:CUP-01", a => a.Status == AlertStatus.Open, "a raise after resolution reopens");
        Assert.Equal(1, reopened.Count);
        Assert.Null(reopened.ResolvedAt);
        Assert.Equal(open.Id, reopened.Id);
        await Eventually.WaitAsync(() => sink.Delivered(WebhookPath).Count == 3, Deadline, "the reopening is delivered");
    }

    [Fact]
    public async Task Acknowledge_OpenAlert_AcknowledgedListedAndRepeatsStaySilent()
    {
        await using var sink = await SinkReceiver.StartAsync();
        await using var app = await StartAsync(sink, slack: null);
        await app.Alerts().RaiseAsync(AlertKind.UnmappedListing, "unmapped:Etsy:1:RING", "A sale of an unmapped listing.", null, CancellationToken.None);
        var alert = await app.AlertEventuallyAsync(AlertKind.UnmappedListing, "unmapped:Etsy:1:RING", _ => true, "the alert is stored");

        using var response = await app.Http.PostAsync($"api/alerts/{alert.Id}/acknowledge", null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var acknowledged = (await response.Content.ReadFromJsonAsync(FuncSyncJson.Default.AlertView))!;
        Assert.Equal(AlertStatus.Acknowledged, acknowledged.Status);
        Assert.NotNull(acknowledged.AcknowledgedAt);
        Assert.Equal(alert.Id, Assert.Single(await app.AlertListAsync()).Id);
        Assert.Empty(await app.AlertListAsync(AlertStatus.Open));
        Assert.Single(await app.AlertListAsync(AlertStatus.Acknowledged));

        await app.Alerts().RaiseAsync(AlertKind.UnmappedListing, "unmapped:Etsy:1:RING", "Another sale of it.", null, CancellationToken.None);
        var repeated = await app.AlertEventuallyAsync(AlertKind.UnmappedListing, "unmapped:Etsy:1:RING", a => a.Count == 2, "the repeat is counted");
        Assert.Equal(AlertStatus.Acknowledged, repeated.Status);
        Assert.Single(sink.Delivered(WebhookPath));

        Assert.Equal(HttpStatusCode.NotFound, (await app.Http.PostAsync("api/alerts/AAAAAAAAAAAAAAAAAAAAAA/acknowledge", null)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await app.Http.GetAsync("api/alerts?status=closed")).StatusCode);
        using var anonymous = new HttpClient { BaseAddress = app.BaseUrl };
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("api/alerts")).StatusCode);
    }

    [Fact]
    public async Task SlackSink_AlertRaised_PostsTextAndSectionBlock()
    {
        await using var slack = await SinkReceiver.StartAsync();
        await using var app = await StartAsync(webhook: null, slack);

        await app.Alerts().RaiseAsync(
            AlertKind.PushFailed, "push:Etsy:MUG-01", "Pushing MUG-01 to Etsy failed: <!channel> & co.", "MUG-01", new AlertAdvice("Etsy", "Check Etsy & retry."), CancellationToken.None);

        await Eventually.WaitAsync(() => slack.Delivered(SlackPath).Count == 1, Deadline, "Slack receives the alert");
        var request = slack.Delivered(SlackPath)[0];
        Assert.StartsWith("application/json", request.Headers["Content-Type"], StringComparison.Ordinal);
        var expected = """
            {"text":"PushFailed MUG-01 on Etsy: Pushing MUG-01 to Etsy failed: &lt;!channel&gt; &amp; co.",
             "blocks":[{"type":"section","text":{"type":"mrkdwn","text":":rotating_light: *PushFailed MUG-01 on Etsy*\nPushing MUG-01 to Etsy failed: &lt;!channel&gt; &amp; co.\n*Next step:* Check Etsy &amp; retry."}}]}
            """;
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), JsonNode.Parse(request.Body)), request.Body);
    }

    [Fact]
    public async Task WebhookSink_FirstAttemptAnswers500_RetriedAndDeliveredOnce()
    {
        await using var sink = await SinkReceiver.StartAsync();
        sink.Fail(500);
        await using var app = await StartAsync(sink, slack: null);

        await app.Alerts().RaiseAsync(AlertKind.LowStock, "lowstock:CUP-02", "CUP-02 has 1 left.", "CUP-02", CancellationToken.None);

        await Eventually.WaitAsync(() => sink.Delivered(WebhookPath).Count == 1, Deadline, "the retry is delivered");
        var attempts = sink.Requests.Where(r => r.Path == WebhookPath).ToList();
        Assert.Equal([500, 200], attempts.Select(a => a.AnsweredStatus));
        Assert.Equal(attempts[0].Body, attempts[1].Body);
        var body = JsonNode.Parse(attempts[1].Body)!;
        Assert.Equal(attempts[1].Headers["Idempotency-Key"], body["deliveryId"]!.GetValue<string>());
        Assert.Equal("raised", body["event"]!.GetValue<string>());
        Assert.Equal("LowStock", body["alert"]!["kind"]!.GetValue<string>());
        Assert.Equal("CUP-02", body["alert"]!["sku"]!.GetValue<string>());
    }

    [Fact]
    public async Task WebhookSink_DownThroughEveryRetry_StaysOwedUntilTheSweepDeliversIt()
    {
        await using var sink = await SinkReceiver.StartAsync();
        sink.Fail(503, 503, 503, 503);
        await using var app = await StartAsync(sink, slack: null);

        await app.Alerts().RaiseAsync(AlertKind.Discrepancy, "discrepancy:Etsy:CUP-03", "Etsy shows 4, FuncSync expects 3.", "CUP-03", CancellationToken.None);
        await Eventually.WaitAsync(() => sink.Requests.Count(r => r.AnsweredStatus == 503) == 4, Deadline, "every in-call retry fails");
        await Eventually.WaitAsync(async () => (await HealthAsync(app)).Alerts!.Undelivered == 1, Deadline, "the delivery is owed");
        Assert.Empty(sink.Delivered(WebhookPath));

        await Eventually.WaitAsync(
            async () =>
            {
                await app.RunTimerAsync(AlertDeliverySweepFunction.Name);
                return sink.Delivered(WebhookPath).Count == 1;
            },
            Deadline,
            "the sweep delivers once the retry is due");
        Assert.Equal(0, (await HealthAsync(app)).Alerts!.Undelivered);
        await app.RunTimerAsync(AlertDeliverySweepFunction.Name);
        Assert.Single(sink.Delivered(WebhookPath));
    }

    [Fact]
    public async Task StoreAlert_SameQueueMessageTwice_CountedAndDeliveredOnce()
    {
        await using var sink = await SinkReceiver.StartAsync();
        await using var app = await StartAsync(sink, slack: null);
        var notice = new AlertNotice(new AlertRaised(AlertKind.Oversell, "oversell:CUP-04", "CUP-04 is oversold by 1.", "CUP-04", DateTimeOffset.FromUnixTimeSeconds(1_800_000_000)), null);
        var message = JsonSerializer.Serialize(notice, FuncSyncJson.Default.AlertNotice);

        for (var delivery = 0; delivery < 2; delivery++)
        {
            await using var scope = app.App.Services.CreateAsyncScope();
            // Activated per invocation, as the worker does; the queue message id is the same on a redelivery.
            await ActivatorUtilities.CreateInstance<StoreAlertFunction>(scope.ServiceProvider).RunAsync(message, "message-1", CancellationToken.None);
        }

        var alert = Assert.Single(await app.AlertListAsync());
        Assert.Equal(1, alert.Count);
        Assert.Single(sink.Delivered(WebhookPath));
    }

    private static async Task<HealthReport> HealthAsync(FuncSyncTestApp app) =>
        (await app.Http.GetFromJsonAsync("healthz", FuncSyncJson.Default.HealthReport))!;

    private Task<FuncSyncTestApp> StartAsync(SinkReceiver? webhook, SinkReceiver? slack) =>
        FuncSyncTestApp.StartAsync(azurite, new Dictionary<string, string?>
        {
            ["Alerts:WebhookUrl"] = webhook?.Url(WebhookPath).ToString(),
            ["Alerts:SlackWebhookUrl"] = slack?.Url(SlackPath).ToString(),
            ["Alerts:RetryDelay"] = "00:00:00.200",
            ["Alerts:DeliverySweepSchedule"] = FuncSyncTestApp.NeverSchedule,
        });
}
