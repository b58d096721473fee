using Azure.Data.Tables;
using FuncSync.Hosting.Azurite;
using FuncSync.Hosting.Tests.Infrastructure;
using FuncSync.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace FuncSync.Hosting.Tests.Azurite;

[Collection(AzuriteTests.Name)]
public sealed class AzuriteServerTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task StartAsync_MissingAzuriteScript_ThrowsNamingTheFix()
    {
        var missing = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N"), "azurite.js");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(
            () => AzuriteServer.StartAsync(null, missing, "node", TimeSpan.FromSeconds(30), NullLogger.Instance, CancellationToken.None));

        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
        Assert.Contains("npm ci", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_MissingNode_ThrowsNamingTheFix()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(
            () => AzuriteServer.StartAsync(null, AzuriteServer.FindScript(), "node-" + Guid.NewGuid().ToString("N"), TimeSpan.FromSeconds(30), NullLogger.Instance, CancellationToken.None));

        Assert.Contains("Node.js", error.Message, StringComparison.Ordinal);
        Assert.Contains("npm ci", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConnectionString_RunningServer_ServesTablesQueuesAndBlobs()
    {
        var table = azurite.Clients.Table("t" + Guid.NewGuid().ToString("N")[..12]);
        await table.CreateIfNotExistsAsync();
        await table.AddEntityAsync(new TableEntity("p", "r") { ["Sku"] = "A1" });
        Assert.Equal("A1", (await table.GetEntityAsync<TableEntity>("p", "r")).Value.GetString("Sku"));

        var container = azurite.Clients.Blobs.GetBlobContainerClient(TestNames.Unique("c"));
        await container.CreateIfNotExistsAsync();
        Assert.True((await container.ExistsAsync()).Value);
        var queue = azurite.Clients.Queue(TestNames.Unique("q"));
        await queue.CreateIfNotExistsAsync();
        Assert.True((await queue.ExistsAsync()).Value);
    }
}
