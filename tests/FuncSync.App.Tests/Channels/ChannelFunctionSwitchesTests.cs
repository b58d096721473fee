using System.Net;
using FuncSync.App.Tests.Infrastructure;
using FuncSync.Hosting;
using FuncSync.Square;
using FuncSync.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace FuncSync.App.Tests.Channels;

/// <summary>A channel that is off runs none of its functions in local mode; one that is on runs them all.</summary>
[Collection(AzuriteTests.Name)]
public sealed class ChannelFunctionSwitchesTests(AzuriteFixture azurite)
{
    private static readonly string[] SquareFunctions = [SquareLevelCheckFunction.Name, SquareConnectFunctions.StartName, SquareConnectFunctions.CallbackName];

    [Fact]
    public async Task SquareOff_ItsQueueTimerAndRoutesNotServed()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);

        var served = app.App.Services.GetRequiredService<IFunctionCatalog>().Functions.Select(f => f.Name).ToList();
        Assert.DoesNotContain(served, SquareFunctions.Contains);
        Assert.Contains("ShopifyLevelCheck", served);
        using var response = await app.Http.GetAsync("api/square/oauth/start");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task SquareOn_EveryFunctionServed()
    {
        await using var app = await Square.SquareTestApp.StartAsync(azurite, TimeSpan.FromHours(1));

        var served = app.App.App.Services.GetRequiredService<IFunctionCatalog>().Functions.Select(f => f.Name).ToList();
        Assert.All(SquareFunctions, name => Assert.Contains(name, served));
    }
}
