using FuncSync.App.Tests.Infrastructure;
using FuncSync.Push;
using FuncSync.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace FuncSync.App.Tests.Push;

/// <summary>Pushes of one write unit in a process wait for each other, and the one that waited knows it did.</summary>
[Collection(AzuriteTests.Name)]
public sealed class WriteUnitLocksTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Enter_SameUnitTwice_TheSecondWaitsUntilTheFirstLeavesAndSaysItWaited()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        var locks = app.App.Services.GetRequiredService<WriteUnitLocks>();

        var (first, firstWaited) = await locks.EnterAsync("etsy-listing-1500000031", CancellationToken.None);
        var second = locks.EnterAsync("etsy-listing-1500000031", CancellationToken.None);

        Assert.False(firstWaited);
        Assert.False(second.IsCompleted);
        first.Dispose();
        var (place, waited) = await second;
        Assert.True(waited);
        place.Dispose();

        var (again, againWaited) = await locks.EnterAsync("etsy-listing-1500000031", CancellationToken.None);
        Assert.False(againWaited);
        again.Dispose();
    }
}
