using FuncSync.Alerts;
using FuncSync.Channels.Webhooks;
using FuncSync.Domain;
using FuncSync.Shopify;
using FuncSync.Square;
using FuncSync.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;

namespace FuncSync.App.Tests.Square;

/// <summary>Square answering 429 RATE_LIMITED for longer than the queue's five deliveries: a throttle is no verdict on
/// a push or on a notification, so each waits it out and lands, and nothing is poisoned.</summary>
[Collection(AzuriteTests.Name)]
public sealed class SquareThrottleTests(AzuriteFixture azurite)
{
    // Six invocations refused: one more than the queue's five deliveries, after which a failure is poisoned.
    private const int RefusedInvocations = 6;

    // Backoff between invocations grows 1, 2, 4, 8, 15 s (with jitter), plus each invocation's own retries.
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(120);

    private static readonly TimeSpan NoLevelCheck = TimeSpan.FromHours(1);

    [Fact]
    public async Task RegisterSale_ChangeLogRateLimitedPastFiveDeliveries_HandledLaterAndNothingPoisoned()
    {
        await using var app = await SquareTestApp.StartAsync(azurite, NoLevelCheck);
        var mapping = await app.LoadAsync("THROTTLED-SQ-01", 5, 321);
        var before = app.Square.RateLimited;
        var refused = RefusedInvocations * RequestsPerInvocation(app);

        // The notification's handling reads Square's change log first: refused six invocations in a row.
        app.Square.RateLimitNext(refused);
        await app.Square.SellAtRegisterAsync(mapping.Square!.VariationId, SquareTestApp.Stall);

        await app.WaitUntilEverywhereAsync(mapping, 4, "the register's sale reaches every channel once Square lets reads through", Deadline);
        Assert.True(app.Square.RateLimited - before >= refused);
        await AssertNothingPoisonedAsync(app);

        // Refused past the alert's count, the seller heard of it; handled, the alert resolved itself.
        var alerts = app.App.App.Services.GetRequiredService<AlertStore>();
        AlertView? alert = null;
        await Eventually.WaitAsync(
            async () => (alert = (await alerts.GetAsync(AlertStore.IdFor(AlertKind.ChannelLimit, ChannelWebhookDispatchFunction.AlertKey(Channel.Square)), CancellationToken.None))?.View)?.Status == AlertStatus.Resolved,
            TimeSpan.FromSeconds(30),
            "the throttled notification's alert is resolved");
        Assert.Equal("Square", alert!.Channel);
        Assert.Contains("refused FuncSync's reads", alert!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ShopifySale_SquareRateLimitedPastFiveDeliveries_PushWaitsAndLands()
    {
        await using var app = await SquareTestApp.StartAsync(azurite, NoLevelCheck);
        var mapping = await app.LoadAsync("THROTTLED-SQ-02", 5, 322);
        var before = app.Square.RateLimited;
        var refused = RefusedInvocations * RequestsPerInvocation(app);

        // Square refuses the push's read and write for six invocations in a row.
        app.Square.RateLimitNext(refused);
        await app.App.Shopify.PlaceOrderAsync([(mapping.Shopify!.VariantId, 1)]);

        await app.WaitUntilEverywhereAsync(mapping, 4, "the Shopify sale reaches Square once it lets writes through", Deadline);
        Assert.True(app.Square.RateLimited - before >= refused);
        await AssertNothingPoisonedAsync(app);
    }

    // One invocation asks Square once and again for each of its client's retries.
    private static int RequestsPerInvocation(SquareTestApp app) =>
        app.App.App.Services.GetRequiredService<IOptionsMonitor<HttpStandardResilienceOptions>>().Get(nameof(SquareApi) + "-standard").Retry.MaxRetryAttempts + 1;

    private static async Task AssertNothingPoisonedAsync(SquareTestApp app)
    {
        await app.SettledAsync();
        foreach (var queue in new[] { app.App.Names.ChannelPushQueue, app.App.Names.ChannelWebhooksQueue })
        {
            var poison = app.App.Storage.Queue(queue + "-poison");
            Assert.False(await poison.ExistsAsync() && (await poison.GetPropertiesAsync()).Value.ApproximateMessagesCount > 0, $"{queue} poisoned a message");
        }
    }
}
