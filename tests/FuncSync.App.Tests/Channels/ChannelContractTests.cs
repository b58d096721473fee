using System.Net;
using FuncSync.App.Tests.Infrastructure;
using FuncSync.Channels;
using FuncSync.Mapping;
using FuncSync.Push;
using FuncSync.Reconciliation;
using FuncSync.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace FuncSync.App.Tests.Channels;

/// <summary>One contract, every channel: each test runs against the real app on Azurite, the channel's real module
/// (its keyed capabilities, undecorated) and the channel's simulator over HTTP. A channel is one row in
/// <see cref="ChannelContract.All"/>.</summary>
[Collection(AzuriteTests.Name)]
public sealed class ChannelContractTests(AzuriteFixture azurite)
{
    public static TheoryData<string> Channels => [.. ChannelContract.All.Select(c => c.Channel.ToString())];

    [Theory]
    [MemberData(nameof(Channels))]
    public async Task Write_ThenRead_ReadsWhatWasWrittenAndTheChannelShowsIt(string channel)
    {
        var (contract, app, item) = await StartAsync(channel, 31);
        await using var _ = app;
        var inventory = app.App.Services.GetRequiredKeyedService<IChannelInventory>(contract.Channel);
        var before = await inventory.ReadAsync(item.Mapping, CancellationToken.None);
        Assert.Equal(contract.Shown(app, item), before.Quantity);

        await inventory.WriteAsync(item.Mapping, before, 3, CancellationToken.None);

        Assert.Equal(3, (await inventory.ReadAsync(item.Mapping, CancellationToken.None)).Quantity);
        Assert.Equal(3, contract.Shown(app, item));
    }

    [Theory]
    [MemberData(nameof(Channels))]
    public async Task Write_ChannelChangedSinceTheRead_RefusedWhereCompareAndSetIsOffered(string channel)
    {
        var (contract, app, item) = await StartAsync(channel, 32);
        await using var _ = app;
        if (!ChannelModules.Of(contract.Channel).Capabilities.CompareAndSet)
        {
            return; // Without compare-and-set the push serialises, reads before and reads back instead (its own tests).
        }

        var inventory = app.App.Services.GetRequiredKeyedService<IChannelInventory>(contract.Channel);
        var read = await inventory.ReadAsync(item.Mapping, CancellationToken.None);
        await contract.ChangeOnChannelAsync(app, item, read.Quantity - 1);

        await Assert.ThrowsAnyAsync<StaleChannelQuantityException>(() => inventory.WriteAsync(item.Mapping, read, read.Quantity + 5, CancellationToken.None));

        Assert.Equal(read.Quantity - 1, contract.Shown(app, item));
    }

    [Theory]
    [MemberData(nameof(Channels))]
    public async Task ReconciliationRead_AfterAWrite_EqualsThePushRead(string channel)
    {
        var (contract, app, item) = await StartAsync(channel, 33);
        await using var _ = app;
        var inventory = app.App.Services.GetRequiredKeyedService<IChannelInventory>(contract.Channel);
        await inventory.WriteAsync(item.Mapping, await inventory.ReadAsync(item.Mapping, CancellationToken.None), 4, CancellationToken.None);
        var reader = app.App.Services.GetRequiredKeyedService<IChannelQuantityReader>(contract.Channel);

        var quantities = await reader.ReadAsync([item.Mapping], CancellationToken.None);

        Assert.True(quantities.Shown.TryGetValue(item.Sku, out var shown), $"reconciliation did not read {item.Sku}");
        Assert.Equal((await inventory.ReadAsync(item.Mapping, CancellationToken.None)).Quantity, shown.Quantity);
        Assert.Equal(4, shown.Quantity);
    }

    [Theory]
    [MemberData(nameof(Channels))]
    public async Task CatalogRead_MappedListing_IsListed(string channel)
    {
        var (contract, app, item) = await StartAsync(channel, 34);
        await using var _ = app;
        var catalog = app.App.Services.GetRequiredKeyedService<IChannelCatalogReader>(contract.Channel);

        var read = await catalog.ReadAsync(CancellationToken.None);

        Assert.Equal(contract.Channel, read.Channel);
        Assert.Contains(read.Listings, l => l.Listing == item.Mapping.ListingOn(contract.Channel) && l.Sku == item.Sku);
    }

    [Theory]
    [MemberData(nameof(Channels))]
    public async Task Webhook_BadSignature_401AndNothingStored(string channel)
    {
        var (contract, app, item) = await StartAsync(channel, 35);
        await using var _ = app;
        if (!ChannelModules.Of(contract.Channel).Capabilities.Intake.HasFlag(ChannelIntake.Webhook))
        {
            return; // A channel without webhooks delivers orders its own way (Amazon: an SQS queue), tested in its folder.
        }

        var delivery = contract.PrepareOrder(app, item, 1);

        using var request = delivery(false);
        using var response = await app.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(0, await MessagesAsync(app, app.Names.ChannelWebhooksQueue));
        Assert.Equal(0, await MessagesAsync(app, app.Names.InventoryEventsQueue));
        Assert.Equal(0, await BlobsAsync(app, app.Names.WebhookBodiesContainer));
        Assert.Equal(0, await BlobsAsync(app, app.Names.RejectedWebhooksContainer));
        Assert.Equal(item.Quantity, await app.AvailableAsync(item.Sku));
    }

    [Theory]
    [MemberData(nameof(Channels))]
    public async Task Webhook_GoodSignatureDeliveredTwice_AcceptedAndAppliedOnce(string channel)
    {
        var (contract, app, item) = await StartAsync(channel, 36);
        await using var _ = app;
        if (!ChannelModules.Of(contract.Channel).Capabilities.Intake.HasFlag(ChannelIntake.Webhook))
        {
            return; // A channel without webhooks delivers orders its own way (Amazon: an SQS queue), tested in its folder.
        }

        var delivery = contract.PrepareOrder(app, item, 2);

        using (var request = delivery(true))
        using (var first = await app.Http.SendAsync(request))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        await app.DrainedAsync(app.Names.InventoryEventsQueue);
        Assert.Equal(item.Quantity - 2, await app.AvailableAsync(item.Sku));

        using (var request = delivery(true))
        using (var again = await app.Http.SendAsync(request))
        {
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        }

        await app.DrainedAsync(app.Names.InventoryEventsQueue);
        Assert.Equal(item.Quantity - 2, await app.AvailableAsync(item.Sku));
        Assert.Equal(0, await BlobsAsync(app, app.Names.RejectedWebhooksContainer));
    }

    private async Task<(ChannelContract Contract, FuncSyncTestApp App, TestItem Item)> StartAsync(string channel, int n)
    {
        var contract = ChannelContract.All.Single(c => c.Channel.ToString() == channel);
        var app = await contract.StartAppAsync(azurite);
        var item = contract.Item($"CONTRACT-{channel.ToUpperInvariant()}-{n}", 10, 700 + n);
        await app.LoadAsync(item);

        // The import's own pushes first: a push landing after a test's direct write would overwrite it.
        await app.DrainedAsync(app.Names.ChannelPushQueue);
        return (contract, app, item);
    }

    private static async Task<int> MessagesAsync(FuncSyncTestApp app, string queue)
    {
        var client = app.Storage.Queue(queue);
        return await client.ExistsAsync() ? (await client.GetPropertiesAsync()).Value.ApproximateMessagesCount : 0;
    }

    private static async Task<int> BlobsAsync(FuncSyncTestApp app, string container)
    {
        var client = app.Storage.Blobs.GetBlobContainerClient(container);
        return await client.ExistsAsync() ? await client.GetBlobsAsync().CountAsync() : 0;
    }
}
