using System.Text.Json.Serialization;
using FuncSync.Channels;
using FuncSync.Channels.State;
using FuncSync.Domain;
using FuncSync.Storage;
using FuncSync.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace FuncSync.App.Tests.Channels.State;

[Collection(AzuriteTests.Name)]
public sealed class ChannelStateTests(AzuriteFixture azurite)
{
    private static readonly StateKind<TestMark> Marks = new("marks", ChannelStateTestJson.Default.TestMark);
    private static readonly StateKind<TestMark> Others = new("others", ChannelStateTestJson.Default.TestMark);

    [Fact]
    public async Task Get_NothingStored_Null()
    {
        var state = await StateAsync(Channel.Etsy);

        Assert.Null(await state.GetAsync(Marks, "missing", CancellationToken.None));
    }

    [Fact]
    public async Task Upsert_ThenGet_ReadsTheValueBackWithItsETag()
    {
        var state = await StateAsync(Channel.Etsy);

        var written = await state.UpsertAsync(Marks, "listing-1", new TestMark(3, "first"), CancellationToken.None);
        var replaced = await state.UpsertAsync(Marks, "listing-1", new TestMark(4, "second"), CancellationToken.None);
        var read = await state.GetAsync(Marks, "listing-1", CancellationToken.None);

        Assert.Equal(new TestMark(4, "second"), read!.Value);
        Assert.Equal("listing-1", read.Key);
        Assert.Equal(replaced.ETag, read.ETag);
        Assert.NotEqual(written.ETag, read.ETag);
    }

    [Fact]
    public async Task TryAdd_KeyTaken_NullAndTheFirstValueStays()
    {
        var state = await StateAsync(Channel.Etsy);
        Assert.NotNull(await state.TryAddAsync(Marks, "k", new TestMark(1, "winner"), CancellationToken.None));

        var second = await state.TryAddAsync(Marks, "k", new TestMark(2, "loser"), CancellationToken.None);

        Assert.Null(second);
        Assert.Equal("winner", (await state.GetAsync(Marks, "k", CancellationToken.None))!.Value.Note);
    }

    [Fact]
    public async Task TryReplace_TwoWritersFromOneRead_OnlyTheFirstLands()
    {
        var state = await StateAsync(Channel.Etsy);
        await state.UpsertAsync(Marks, "k", new TestMark(1, "start"), CancellationToken.None);
        var readByA = (await state.GetAsync(Marks, "k", CancellationToken.None))!;
        var readByB = (await state.GetAsync(Marks, "k", CancellationToken.None))!;

        var a = await state.TryReplaceAsync(Marks, readByA, new TestMark(2, "a"), CancellationToken.None);
        var b = await state.TryReplaceAsync(Marks, readByB, new TestMark(3, "b"), CancellationToken.None);

        Assert.NotNull(a);
        Assert.Null(b);
        var now = (await state.GetAsync(Marks, "k", CancellationToken.None))!;
        Assert.Equal(new TestMark(2, "a"), now.Value);
        Assert.Equal(a.ETag, now.ETag);

        // B re-reads and decides again: its change lands on A's.
        Assert.NotNull(await state.TryReplaceAsync(Marks, now, new TestMark(now.Value.Count + 1, "b"), CancellationToken.None));
        Assert.Equal(3, (await state.GetAsync(Marks, "k", CancellationToken.None))!.Value.Count);
    }

    [Fact]
    public async Task TryReplace_Deleted_Null()
    {
        var state = await StateAsync(Channel.Etsy);
        var entry = await state.UpsertAsync(Marks, "k", new TestMark(1, "x"), CancellationToken.None);
        Assert.True(await state.DeleteAsync(Marks, "k", CancellationToken.None));

        Assert.Null(await state.TryReplaceAsync(Marks, entry, new TestMark(2, "y"), CancellationToken.None));
        Assert.Null(await state.GetAsync(Marks, "k", CancellationToken.None));
    }

    [Fact]
    public async Task Delete_NothingStored_False()
    {
        var state = await StateAsync(Channel.Etsy);

        Assert.False(await state.DeleteAsync(Marks, "k", CancellationToken.None));
    }

    [Fact]
    public async Task TryDelete_ChangedSinceRead_FalseAndTheRowStays()
    {
        var state = await StateAsync(Channel.Etsy);
        var stale = await state.UpsertAsync(Marks, "k", new TestMark(1, "x"), CancellationToken.None);
        var fresh = await state.UpsertAsync(Marks, "k", new TestMark(2, "y"), CancellationToken.None);

        Assert.False(await state.TryDeleteAsync(Marks, stale, CancellationToken.None));
        Assert.NotNull(await state.GetAsync(Marks, "k", CancellationToken.None));
        Assert.True(await state.TryDeleteAsync(Marks, fresh, CancellationToken.None));
        Assert.Null(await state.GetAsync(Marks, "k", CancellationToken.None));
    }

    [Fact]
    public async Task Get_SameKeyOtherChannelKindOrShop_EachSeesOnlyItsOwn()
    {
        var table = await TableAsync();
        var etsy = new ChannelState(Channel.Etsy, table, new ShopPartition("shop-a"));
        var shopify = new ChannelState(Channel.Shopify, table, new ShopPartition("shop-a"));
        var otherShop = new ChannelState(Channel.Etsy, table, new ShopPartition("shop-b"));
        await etsy.UpsertAsync(Marks, "k", new TestMark(1, "etsy marks"), CancellationToken.None);

        Assert.Null(await shopify.GetAsync(Marks, "k", CancellationToken.None));
        Assert.Null(await etsy.GetAsync(Others, "k", CancellationToken.None));
        Assert.Null(await otherShop.GetAsync(Marks, "k", CancellationToken.None));
        Assert.Empty(await shopify.ListAsync(Marks, "", CancellationToken.None).ToListAsync());
        Assert.Empty(await etsy.ListAsync(Others, "", CancellationToken.None).ToListAsync());
    }

    [Fact]
    public async Task List_ByPrefixAndRange_InKeyOrderAndNothingOutside()
    {
        var state = await StateAsync(Channel.Etsy);
        foreach (var key in new[] { "refund-2:b", "refund-1:a", "refund-10:c", "refund-1:b", "sub-1" })
        {
            await state.UpsertAsync(Marks, key, new TestMark(key.Length, key), CancellationToken.None);
        }

        var all = await state.ListAsync(Marks, "", CancellationToken.None).Select(e => e.Key).ToListAsync();
        var refundOne = await state.ListAsync(Marks, "refund-1:", CancellationToken.None).Select(e => e.Key).ToListAsync();
        var range = await state.ListRangeAsync(Marks, "refund-10", "refund-2", CancellationToken.None).Select(e => e.Key).ToListAsync();

        Assert.Equal(["refund-10:c", "refund-1:a", "refund-1:b", "refund-2:b", "sub-1"], all);
        Assert.Equal(["refund-1:a", "refund-1:b"], refundOne);
        Assert.Equal(["refund-10:c", "refund-1:a", "refund-1:b"], range);
    }

    [Fact]
    public async Task List_KeysWithCharactersTablesForbid_ComeBackAsWritten()
    {
        var state = await StateAsync(Channel.Etsy);
        const string Key = "shop/42#listing?7\\100%|x";
        await state.UpsertAsync(Marks, Key, new TestMark(7, "odd key"), CancellationToken.None);

        Assert.Equal(Key, (await state.GetAsync(Marks, Key, CancellationToken.None))!.Key);
        Assert.Equal([Key], await state.ListAsync(Marks, "shop/42#", CancellationToken.None).Select(e => e.Key).ToListAsync());
    }

    [Fact]
    public async Task Upsert_ValueTooLargeForARow_RefusedBeforeStorage()
    {
        var state = await StateAsync(Channel.Etsy);

        await Assert.ThrowsAsync<ArgumentException>(() => state.UpsertAsync(Marks, "k", new TestMark(1, new string('x', 40_000)), CancellationToken.None));
        Assert.Null(await state.GetAsync(Marks, "k", CancellationToken.None));
    }

    [Fact]
    public void AddChannels_EveryModule_HasItsStateKeyedByChannel()
    {
        var services = new ServiceCollection();
        services.AddSingleton(azurite.Clients);
        services.AddSingleton(new StorageNames("t" + Guid.NewGuid().ToString("N")[..8]));
        services.AddSingleton(new ShopPartition("shop"));
        services.AddChannels(new ConfigurationBuilder().Build());
        using var provider = services.BuildServiceProvider();

        foreach (var module in ChannelModules.All)
        {
            Assert.Equal(module.Channel, provider.GetRequiredKeyedService<ChannelState>(module.Channel).Channel);
        }
    }

    [Fact]
    public void Kind_NameOutsideLettersDigitsAndDash_Refused()
    {
        Assert.Throws<ArgumentException>(() => new StateKind<TestMark>("a|b", ChannelStateTestJson.Default.TestMark));
        Assert.Throws<ArgumentException>(() => new StateKind<TestMark>("", ChannelStateTestJson.Default.TestMark));
    }

    private async Task<ChannelState> StateAsync(Channel channel) => new(channel, await TableAsync(), new ShopPartition("shop-a"));

    private async Task<Azure.Data.Tables.TableClient> TableAsync()
    {
        var table = azurite.Clients.Table("state" + Guid.NewGuid().ToString("N")[..12]);
        await table.CreateIfNotExistsAsync();
        return table;
    }
}

public sealed record TestMark(int Count, string Note);

[JsonSerializable(typeof(TestMark))]
internal sealed partial class ChannelStateTestJson : JsonSerializerContext;
