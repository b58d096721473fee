using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FuncSync.App.Tests.Infrastructure;
using FuncSync.Domain.Ledger;
using FuncSync.Json;
using FuncSync.Ledger;
using FuncSync.Testing;

namespace FuncSync.App.Tests.Hosting;

/// <summary>Queue and timer functions run only from their queues and schedules: the custom handler's
/// <c>POST /{FunctionName}</c> is gone, in any form, with or without the host's envelope and a key.</summary>
[Collection(AzuriteTests.Name)]
public sealed class ClosedInvocationTests(AzuriteFixture azurite)
{
    private static readonly DateTimeOffset SoldAt = new(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Readiness_GetRoot_AnswersSuccess()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);

        using var response = await app.Http.GetAsync(new Uri("/", UriKind.Relative));

        Assert.True(response.IsSuccessStatusCode);
    }

    [Fact]
    public async Task PostFunctionName_EveryQueueAndTimerFunction_NotFoundAndNothingChanges()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        var item = new TestItem("CLOSED-MUG-01", 10, 71);
        await app.LoadAsync(item);
        var before = await app.Ledger.GetStockAsync(item.Sku, CancellationToken.None);
        var generated = FunctionMetadataTests.GeneratedFunctions();
        var nonHttp = generated.Where(f => (string)f.Value["type"]! != "httpTrigger").Select(f => f.Key).ToList();

        // Routes are case-insensitive: /api/reconcile is the admin function RunReconciliation, a real HTTP function.
        var httpRoutes = generated.Values.Where(t => (string)t["type"]! == "httpTrigger").Select(t => "api/" + (string)t["route"]!).ToHashSet(StringComparer.OrdinalIgnoreCase);
        Assert.Contains(ApplyLedgerFunction.Name, nonHttp);

        using var anonymous = new HttpClient { BaseAddress = app.BaseUrl };
        foreach (var name in nonHttp)
        {
            foreach (var path in new[] { name, "api/" + name, name.ToLowerInvariant() }.Where(p => !httpRoutes.Contains(p)))
            {
                foreach (var body in new[] { Envelope(Sale(item.Sku, 5)), Sale(item.Sku, 5), string.Empty })
                {
                    // With the admin key and without: neither opens a way in.
                    foreach (var client in new[] { app.Http, anonymous })
                    {
                        using var content = new StringContent(body, Encoding.UTF8, "application/json");
                        using var response = await client.PostAsync(new Uri(path, UriKind.Relative), content);
                        Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"POST /{path} answered {(int)response.StatusCode}");
                    }
                }
            }
        }

        // The queue is where a sale really arrives: one there is applied, so the unchanged ledger above means something.
        var after = await app.Ledger.GetStockAsync(item.Sku, CancellationToken.None);
        Assert.Equal(before.Version, after.Version);
        Assert.Equal(10, after.Level.Available);
        await app.SendEventAsync(JsonSerializer.Deserialize(Sale(item.Sku, 1), FuncSyncJson.Default.InventoryEventReceived)!);
        await Eventually.WaitAsync(async () => await app.AvailableAsync(item.Sku) == 9, TimeSpan.FromSeconds(20), "the queued sale is applied");
    }

    private static string Sale(string sku, int quantity) => JsonSerializer.Serialize(
        new InventoryEventReceived($"closed:{Guid.NewGuid():N}", InventoryEventKind.Sale, "shopify", null, sku, quantity, SoldAt, SoldAt, "attack"),
        FuncSyncJson.Default.InventoryEventReceived);

    /// <summary>The custom handler's queue-trigger envelope, as an attacker would hand-write it.</summary>
    private static string Envelope(string message) => new JsonObject
    {
        ["Data"] = new JsonObject { ["message"] = message },
        ["Metadata"] = new JsonObject { ["DequeueCount"] = 1, ["Id"] = Guid.NewGuid().ToString() },
    }.ToJsonString();
}
