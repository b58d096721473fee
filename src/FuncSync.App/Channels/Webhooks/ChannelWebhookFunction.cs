using FuncSync.Domain;
using FuncSync.Json;
using FuncSync.Webhooks;
using Microsoft.Azure.Functions.Worker;

namespace FuncSync.Channels.Webhooks;

/// <summary>HTTP function <c>POST|GET /api/webhooks/{channel}</c>, every channel's webhook door. Reads the raw body (413
/// past <see cref="RawBody.MaxBytes"/>), lets the enabled channel's <see cref="IChannelWebhook"/> decide, and acts on
/// the verdict: an accepted delivery is written once to the <see cref="WebhookInbox"/> before the 2xx; an ignored one is
/// answered 200 with nothing stored; a rejected one gets its status, its body kept for inspection only when the channel
/// asks (a signed but unreadable payload); a handshake gets the channel's own answer. A channel that is unknown, turned
/// off or without webhooks is 404.</summary>
public sealed class ChannelWebhookFunction(
    IServiceProvider services,
    ChannelRegistry channels,
    WebhookInbox inbox,
    RejectedWebhookStore rejected,
    TimeProvider time,
    ILogger<ChannelWebhookFunction> logger)
{
    public const string Name = "ChannelWebhook";
    public const string Route = "webhooks/{channel}";

    /// <summary>The route a channel's deliveries are registered at (<c>webhooks/shopify</c>).</summary>
    public static string RouteOf(Channel channel) => "webhooks/" + channel.ToString().ToLowerInvariant();

    [Function(Name)]
    public async Task<IResult> HandleAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", Route = Route)] HttpRequest request, string channel, CancellationToken cancellationToken)
    {
        var receivedAt = time.GetUtcNow();
        if (Webhook(channel) is not { } webhook)
        {
            return Problem(StatusCodes.Status404NotFound, $"No enabled channel '{channel}' takes webhooks here.");
        }

        var body = await RawBody.ReadAsync(request, cancellationToken);
        if (body is null)
        {
            return Problem(StatusCodes.Status413PayloadTooLarge, $"The webhook body is larger than {RawBody.MaxBytes} bytes.");
        }

        var delivery = new WebhookDelivery(
            request.Method.ToUpperInvariant(),
            WebhookDelivery.Map(request.Headers.Select(h => KeyValuePair.Create(h.Key, h.Value.ToString()))),
            WebhookDelivery.Map(request.Query.Select(q => KeyValuePair.Create(q.Key, q.Value.ToString()))),
            body,
            receivedAt);
        var verdict = await webhook.VerifyAsync(delivery, cancellationToken);
        switch (verdict)
        {
            case WebhookVerdict.Accepted accepted when !IsUsableEventId(accepted.EventId):
                return Problem(StatusCodes.Status400BadRequest, $"The webhook's event id is empty or longer than {AcceptedWebhook.MaxEventIdLength} characters, so it cannot be deduplicated.");
            case WebhookVerdict.Accepted accepted:
                // One durable write, then the 2xx: a sender that hangs up afterwards loses nothing, and one that hangs
                // up before it gets no 2xx and delivers again.
                await inbox.AcceptAsync(webhook.Channel, accepted, receivedAt, body, cancellationToken);
                return Results.Ok();
            case WebhookVerdict.Ignored ignored:
                logger.LogInformation("Ignored a webhook from {Channel}: {Reason}", webhook.Channel, ignored.Reason);
                return Results.Ok();
            case WebhookVerdict.Rejected { KeepBody: true } refused:
                var kept = await rejected.KeepAsync(ChannelName(webhook.Channel), refused.DeliveryId ?? "unidentified", body, refused.Message, cancellationToken);
                logger.LogWarning("Refused a webhook from {Channel} with {Status} ({Reason}); raw body kept as {Blob}", webhook.Channel, refused.Status, refused.Message, kept);
                return Problem(refused.Status, $"{refused.Message} It was kept for inspection as {kept}.");
            case WebhookVerdict.Rejected refused:
                logger.LogWarning("Refused a webhook from {Channel} with {Status} ({Reason})", webhook.Channel, refused.Status, refused.Message);
                return Problem(refused.Status, refused.Message);
            case WebhookVerdict.Responded respond:
                return new RespondedResult(respond);
            default:
                throw new InvalidOperationException($"{webhook.Channel}'s webhook returned an unknown verdict {verdict.GetType().Name}.");
        }
    }

    private IChannelWebhook? Webhook(string name)
    {
        // Letters only: Enum.TryParse would also take "0" or "Shopify, Etsy".
        if (name.Length == 0 || !name.All(char.IsAsciiLetter) || !Enum.TryParse<Channel>(name, ignoreCase: true, out var channel) || !channels.IsEnabled(channel))
        {
            return null;
        }

        return services.GetKeyedService<IChannelWebhook>(channel);
    }

    private static bool IsUsableEventId(string eventId) =>
        !string.IsNullOrWhiteSpace(eventId) && eventId.Length <= AcceptedWebhook.MaxEventIdLength;

    private static string ChannelName(Channel channel) => channel.ToString().ToLowerInvariant();

    private static IResult Problem(int status, string error) =>
        Results.Json(new ProblemBody(error), FuncSyncJson.Default.ProblemBody, statusCode: status);
}

/// <summary>A channel's own answer to its handshake, written as given.</summary>
internal sealed class RespondedResult(WebhookVerdict.Responded respond) : IResult
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.StatusCode = respond.Status;
        httpContext.Response.ContentType = respond.ContentType;
        httpContext.Response.ContentLength = respond.Body.Length;
        await httpContext.Response.Body.WriteAsync(respond.Body, httpContext.RequestAborted);
    }
}
