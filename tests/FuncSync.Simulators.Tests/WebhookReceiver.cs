using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace FuncSync.Simulators.Tests;

internal sealed record ReceivedWebhook(byte[] Body, IReadOnlyDictionary<string, string> Headers);

/// <summary>A tiny real HTTP endpoint that records each delivery's raw bytes and headers, then answers 200.</summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;

    private WebhookReceiver(WebApplication app) => _app = app;

    public ConcurrentQueue<ReceivedWebhook> Received { get; } = new();

    public Uri Url { get; private set; } = null!;

    /// <summary>What the receiver answers; a failing receiver makes the simulator retry.</summary>
    public int StatusCode { get; set; } = StatusCodes.Status200OK;

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Services.AddLogging();
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.Run(async context =>
        {
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer);
            var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
            receiver.Received.Enqueue(new ReceivedWebhook(buffer.ToArray(), headers));
            context.Response.StatusCode = receiver.StatusCode;
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        receiver.Url = new Uri(new Uri(address), "/webhooks/shopify");
        return receiver;
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
