using System.Collections.Concurrent;
using System.Net;
using Azure.Data.Tables;
using FuncSync.App.Tests.Infrastructure;
using FuncSync.Simulators.Faults;
using FuncSync.Testing;

namespace FuncSync.App.Tests.Webhooks;

/// <summary>A few hundred seeded, malformed webhook deliveries per endpoint (the 10,000-case run with its figures is
/// <c>bench/FuncSync.Bench -- --fuzz</c>): none may answer 5xx, and the invalid ones may write nothing but the kept
/// raw body.</summary>
[Collection(AzuriteTests.Name)]
public sealed class WebhookFuzzTests(AzuriteFixture azurite)
{
    private const int Seed = 22;
    private const int PerEndpoint = 300;

    [Fact]
    public async Task Webhooks_SeededMalformedDeliveries_No5xxAndInvalidOnesWriteNothing()
    {
        var settings = new Dictionary<string, string?>(Etsy.EtsyTestSettings.ManualPolling) { ["Etsy:WebhookSecret"] = new Simulators.Etsy.EtsySimulatorOptions().WebhookSecret };
        await using var app = await FuncSyncTestApp.StartAsync(azurite, settings);
        var fuzzer = new WebhookFuzzer(Seed, app.Shopify.Options.WebhookSecret, app.Shopify.Options.ShopDomain, settings["Etsy:WebhookSecret"]!, app.Etsy.Options.ShopId, TimeProvider.System.GetUtcNow);
        var deliveries = Enumerable.Range(0, PerEndpoint).SelectMany(_ => new[] { fuzzer.NextShopify(), fuzzer.NextEtsy() }).ToList();
        var invalid = deliveries.Where(d => d.MustWriteNothing).ToList();
        Assert.True(invalid.Count > PerEndpoint, "most deliveries are invalid by construction");

        var invalidAnswers = await SendAllAsync(app, invalid);

        AssertNone(invalidAnswers, a => (int)a.Status >= 500, "answered 5xx");
        AssertNone(invalidAnswers, a => a.Delivery.Path == WebhookFuzzer.ShopifyPath && (int)a.Status is < 400 or >= 500, "invalid Shopify delivery not refused with a 4xx");
        foreach (var queue in new[] { app.Names.InventoryEventsQueue, app.Names.ShopifyLevelChecksQueue, app.Names.AlertsQueue, app.Names.ChannelPushQueue })
        {
            var queueClient = app.Storage.Queue(queue);
            Assert.False(await queueClient.ExistsAsync() && (await queueClient.GetPropertiesAsync()).Value.ApproximateMessagesCount > 0, $"{queue} holds a message from an invalid delivery");
        }

        foreach (var table in new[] { app.Names.LedgerTable, app.Names.UnmappedTable, app.Names.AlertsTable })
        {
            Assert.False(await app.Storage.Table(table).QueryAsync<TableEntity>(maxPerPage: 1).AnyAsync(), $"{table} holds a row from an invalid delivery");
        }

        var otherAnswers = await SendAllAsync(app, deliveries.Where(d => !d.MustWriteNothing).ToList());
        AssertNone(otherAnswers, a => (int)a.Status >= 500, "answered 5xx");
    }

    private static void AssertNone(IEnumerable<(FuzzedDelivery Delivery, HttpStatusCode Status)> answers, Func<(FuzzedDelivery Delivery, HttpStatusCode Status), bool> wrong, string what)
    {
        var found = answers.Where(wrong).Select(a => $"{a.Delivery.Mutation} -> {(int)a.Status}").Distinct().ToList();
        Assert.True(found.Count == 0, $"{what}: {string.Join(", ", found)}");
    }

    private static async Task<IReadOnlyList<(FuzzedDelivery Delivery, HttpStatusCode Status)>> SendAllAsync(FuncSyncTestApp app, IReadOnlyList<FuzzedDelivery> deliveries)
    {
        var answers = new ConcurrentBag<(FuzzedDelivery, HttpStatusCode)>();
        await Parallel.ForEachAsync(deliveries, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (delivery, ct) =>
        {
            using var request = delivery.ToRequest();
            request.Headers.Remove("x-functions-key");
            using var response = await app.Http.SendAsync(request, ct);
            answers.Add((delivery, response.StatusCode));
        });
        return [.. answers];
    }
}
