using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace FuncSync.App.Tests.Infrastructure;

internal sealed record SinkRequest(string Path, string Body, IReadOnlyDictionary<string, string> Headers, int AnsweredStatus);

/// <summary>A real HTTP endpoint on loopback standing where a Slack workspace or a seller's webhook would:
/// records every request and answers with the scripted statuses, then 200.</summary>
internal sealed class SinkReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<int> _script = new();

    private SinkReceiver(WebApplication app) => _app = app;

    public ConcurrentQueue<SinkRequest> Requests { get; } = new();

    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>Where the sink would post: a path with a secret in it, as Slack's incoming-webhook URLs have.</summary>
    public Uri Url(string path) => new(BaseUrl, path);

    public IReadOnlyList<SinkRequest> Delivered(string path) => Requests.Where(r => r.Path == path && r.AnsweredStatus == 200).ToList();

    /// <summary>The next requests answer these statuses, in order.</summary>
    public void Fail(params int[] statuses)
    {
        foreach (var status in statuses)
        {
            _script.Enqueue(status);
        }
    }

    public static async Task<SinkReceiver> StartAsync()
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Services.AddLogging();
        var app = builder.Build();
        var receiver = new SinkReceiver(app);
        app.Run(async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync();
            var status = receiver._script.TryDequeue(out var scripted) ? scripted : StatusCodes.Status200OK;
            var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
            receiver.Requests.Enqueue(new SinkRequest(context.Request.Path.Value!.TrimStart('/'), body, headers, status));
            context.Response.StatusCode = status;
            await context.Response.WriteAsync(status == 200 ? "ok" : "unavailable");
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        receiver.BaseUrl = new Uri(address.TrimEnd('/') + "/");
        return receiver;
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
