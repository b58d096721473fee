using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FuncSync.Simulators.Hosting;

/// <summary>Starts a bare Kestrel server on a free loopback port that hands every request to one delegate.</summary>
internal static class SimulatorHost
{
    public static async Task<(WebApplication App, Uri BaseUrl)> StartAsync(
        RequestDelegate handler, ILoggerFactory? loggerFactory, CancellationToken ct)
    {
        // The empty builder reads no appsettings or environment variables, so a simulator behaves the same
        // whatever directory or machine the tests run on.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        if (loggerFactory is not null)
        {
            // Registered before AddLogging so its TryAdd keeps the caller's factory.
            builder.Services.AddSingleton(loggerFactory);
        }

        builder.Services.AddLogging();
        var app = builder.Build();
        app.Run(handler);
        try
        {
            await app.StartAsync(ct);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        var address = app.Services.GetRequiredService<IServer>().Features
            .GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return (app, new Uri(address.EndsWith('/') ? address : address + "/"));
    }
}
