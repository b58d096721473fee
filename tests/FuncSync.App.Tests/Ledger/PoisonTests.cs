using FuncSync.App.Tests.Infrastructure;
using FuncSync.Testing;

namespace FuncSync.App.Tests.Ledger;

[Collection(AzuriteTests.Name)]
public sealed class PoisonTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task InventoryEvent_HandlerAlwaysThrows_EndsInPoisonQueueAfterFiveAttempts()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        const string garbage = "this is not an inventory event";

        await app.Storage.Queue(app.Names.InventoryEventsQueue).SendMessageAsync(garbage);

        var poison = app.Storage.Queue(app.Names.InventoryEventsQueue + "-poison");
        await Eventually.WaitAsync(
            async () => await poison.ExistsAsync() && (await poison.PeekMessageAsync()).Value is not null,
            TimeSpan.FromSeconds(30),
            "the message reaches the poison queue");
        var message = (await poison.ReceiveMessageAsync()).Value;
        Assert.Equal(garbage, message.Body.ToString());
        await app.DrainedAsync(app.Names.InventoryEventsQueue);
    }
}
