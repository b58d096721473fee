using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using FuncSync.App.Tests.Infrastructure;
using FuncSync.Channels.State;
using FuncSync.Domain;
using FuncSync.Etsy;
using FuncSync.Polling;
using FuncSync.Storage;
using FuncSync.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FuncSync.App.Tests.Etsy;

/// <summary>A seller upgrading from a FuncSync that kept Etsy's state in Etsy's own tables keeps it.</summary>
[Collection(AzuriteTests.Name)]
public sealed class EtsyLegacyStateImportTests(AzuriteFixture azurite)
{
    private const long ShopId = 42;
    private static readonly DateTimeOffset Then = new(2026, 10, 1, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Import_RowsAsTheOldTablesHeldThem_ReadThroughTheStoresAndOldTablesDropped()
    {
        var (names, shop, state) = await StorageAsync();
        var pacer = new PollPacerState(Then, 3, 2, 0, 10, 9, 10_000, 7_500, Then);
        await SeedAsync(names, "EtsyListings", new TableEntity(shop.Key, "1500000031") { ["DeactivatedAt"] = Then });
        await SeedAsync(names, "EtsyRefunds", new TableEntity(shop.Key, "etsy-refund-900-1700000000-500") { ["ReceiptId"] = 900L, ["Alerted"] = true });
        await SeedAsync(
            names,
            "EtsyBudget",
            new TableEntity(shop.Key, "pacer-42") { ["State"] = JsonSerializer.Serialize(pacer) },
            new TableEntity("etsy-app-0123456789abcdef", "qps") { ["Second"] = 1L, ["Used"] = 3 });
        var import = Import(names, shop, state);

        var moved = await import.ImportAsync(CancellationToken.None);

        Assert.Equal(3, moved);
        Assert.True(await new EtsyDeactivations(state, TimeProvider.System).IsDeactivatedByUsAsync(1_500_000_031, CancellationToken.None));
        Assert.False(await new EtsyDeactivations(state, TimeProvider.System).IsDeactivatedByUsAsync(1_500_000_032, CancellationToken.None));
        Assert.Equal(
            new EtsyRefundClaim(900, Alerted: true),
            (await state.ListAsync(EtsyState.Refunds, "etsy-refund-900-", CancellationToken.None).SingleAsync()).Value);
        var shared = new SharedPollPacerState(state, () => ShopId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(pacer, await shared.LoadAsync(CancellationToken.None));
        foreach (var table in import.LegacyTables)
        {
            Assert.False(await ExistsAsync(table), $"{table} is dropped once empty");
        }

        // A second start finds nothing to move.
        Assert.Equal(0, await import.ImportAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Import_OtherShopsRowsAndANewerRow_OtherShopKeptNewerRowWins()
    {
        var (names, shop, state) = await StorageAsync();
        await SeedAsync(
            names,
            "EtsyRefunds",
            new TableEntity(shop.Key, "etsy-refund-1-1-1") { ["ReceiptId"] = 1L, ["Alerted"] = false },
            new TableEntity("other-shop", "etsy-refund-2-2-2") { ["ReceiptId"] = 2L, ["Alerted"] = false });

        // Since the upgrade began, a new instance alerted refund 1 and recorded it in the state table.
        var kind = EtsyState.Refunds;
        await state.UpsertAsync(kind, "etsy-refund-1-1-1", new EtsyRefundClaim(1, Alerted: true), CancellationToken.None);

        await Import(names, shop, state).ImportAsync(CancellationToken.None);

        Assert.True((await state.GetAsync(kind, "etsy-refund-1-1-1", CancellationToken.None))!.Value.Alerted);
        var legacy = azurite.Clients.Table(names.Prefix + "EtsyRefunds");
        var left = await legacy.QueryAsync<TableEntity>().Select(e => (e.PartitionKey, e.RowKey)).ToListAsync();
        Assert.Equal([("other-shop", "etsy-refund-2-2-2")], left);
    }

    [Fact]
    public async Task Push_ListingDeactivatedByAnEarlierVersion_ReactivatedOnRestockAfterTheUpgrade()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite, EtsyTestSettings.ManualPolling);
        var item = new TestItem("CARD-UPGRADE-01", 2, 19);
        await app.LoadAsync(item);
        (await app.CountAsync(item.Sku, """{"quantity": 0}""")).EnsureSuccessStatusCode();
        await Eventually.WaitAsync(() => app.Etsy.GetListingState(item.EtsyListingId) == "inactive", TimeSpan.FromSeconds(20), "FuncSync deactivates the empty listing");
        await app.DrainedAsync(app.Names.ChannelPushQueue);

        // As the earlier version recorded it: a row in EtsyListings, nothing in the state table.
        var state = app.App.Services.GetRequiredKeyedService<ChannelState>(Channel.Etsy);
        var key = item.EtsyListingId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var shop = app.App.Services.GetRequiredService<ShopPartition>();
        Assert.True(await state.DeleteAsync(EtsyState.DeactivatedListings, key, CancellationToken.None));
        await SeedAsync(app.Names, "EtsyListings", new TableEntity(shop.Key, key) { ["DeactivatedAt"] = Then });

        // The upgraded version starts beside it and moves the row at start-up.
        var (upgraded, _) = await FuncSyncHost.StartOnLoopbackAsync(app.Settings, LogLevel.Warning);
        try
        {
            Assert.NotNull(await state.GetAsync(EtsyState.DeactivatedListings, key, CancellationToken.None));
            (await app.CountAsync(item.Sku, """{"quantity": 5}""")).EnsureSuccessStatusCode();
            await Eventually.WaitAsync(() => app.Etsy.GetListingState(item.EtsyListingId) == "active", TimeSpan.FromSeconds(20), "FuncSync reactivates the listing the earlier version deactivated");
            Assert.False(await ExistsAsync(app.Names.Prefix + "EtsyListings"));
        }
        finally
        {
            await upgraded.StopAsync();
            await upgraded.DisposeAsync();
        }
    }

    private EtsyLegacyStateImport Import(StorageNames names, ShopPartition shop, ChannelState state) =>
        new(azurite.Clients, names, shop, state, NullLogger<EtsyLegacyStateImport>.Instance);

    private async Task<(StorageNames Names, ShopPartition Shop, ChannelState State)> StorageAsync()
    {
        var names = new StorageNames("t" + Guid.NewGuid().ToString("N")[..12]);
        var shop = new ShopPartition("test");
        var table = azurite.Clients.Table(names.ChannelStateTable);
        await table.CreateIfNotExistsAsync();
        return (names, shop, new ChannelState(Channel.Etsy, table, shop));
    }

    private async Task SeedAsync(StorageNames names, string legacyTable, params TableEntity[] rows)
    {
        var table = azurite.Clients.Table(names.Prefix + legacyTable);
        await table.CreateIfNotExistsAsync();
        foreach (var row in rows)
        {
            await table.AddEntityAsync(row);
        }
    }

    private async Task<bool> ExistsAsync(string table)
    {
        try
        {
            await azurite.Clients.Table(table).QueryAsync<TableEntity>(maxPerPage: 1).AnyAsync();
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return false;
        }
    }
}
