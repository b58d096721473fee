using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using FuncSync.Json;
using Microsoft.Extensions.Options;

namespace FuncSync.Alerts;

/// <summary>Somewhere alerts are delivered. Throws <see cref="AlertSinkException"/> when the sink did
/// not take the message; the dispatcher keeps it owed and tries again later.</summary>
public interface IAlertSink
{
    /// <summary>Stored on delivery rows, so keep it stable.</summary>
    string Name { get; }

    bool IsConfigured { get; }

    Task SendAsync(PendingDelivery delivery, CancellationToken cancellationToken);
}

/// <summary>The generic JSON webhook: <c>{"deliveryId","event","alert":{...}}</c>, with the delivery
/// id also in an <c>Idempotency-Key</c> header so a receiver can drop a repeat.</summary>
public sealed class WebhookAlertSink(HttpClient http, IOptions<AlertOptions> options) : IAlertSink
{
    public string Name => "webhook";

    public bool IsConfigured => AlertOptions.IsSet(options.Value.WebhookUrl);

    public Task SendAsync(PendingDelivery delivery, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        var body = new AlertWebhookBody(delivery.DeliveryId, delivery.Event, delivery.Alert);
        return AlertSinkRequests.PostAsync(http, Name, options.Value.WebhookUrl!, body, FuncSyncJson.Default.AlertWebhookBody, delivery.DeliveryId, cancellationToken);
    }
}

/// <summary>A Slack incoming webhook: <c>text</c> (the notification and fallback) plus one mrkdwn section
/// block. Slack answers 200 <c>ok</c>, and 429 with Retry-After above about one message a second.</summary>
public sealed class SlackAlertSink(HttpClient http, IOptions<AlertOptions> options) : IAlertSink
{
    public string Name => "slack";

    public bool IsConfigured => AlertOptions.IsSet(options.Value.SlackWebhookUrl);

    public Task SendAsync(PendingDelivery delivery, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        return AlertSinkRequests.PostAsync(http, Name, options.Value.SlackWebhookUrl!, Message(delivery), FuncSyncJson.Default.SlackMessage, null, cancellationToken);
    }

    public static SlackMessage Message(PendingDelivery delivery)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        var alert = delivery.Alert;
        var resolved = delivery.Event == AlertLifecycle.Resolved;
        var where = alert.Channel is { } channel ? $" on {channel}" : string.Empty;
        var subject = alert.Sku is { } sku ? $"{alert.Kind} {sku}{where}" : $"{alert.Kind}{where}";
        var text = resolved ? $"Resolved: {subject}: {alert.Message}" : $"{subject}: {alert.Message}";
        var times = alert.Count > 1 ? string.Create(CultureInfo.InvariantCulture, $" (seen {alert.Count} times)") : string.Empty;
        var markdown = resolved
            ? $":white_check_mark: *Resolved: {Escape(subject)}*\n{Escape(alert.Message)}"
            : $":rotating_light: *{Escape(subject)}*{times}\n{Escape(alert.Message)}\n*Next step:* {Escape(alert.NextStep)}";

        // A section's text may hold 3,000 characters.
        return new SlackMessage(Escape(text), [new SlackBlock("section", new SlackText("mrkdwn", Truncate(markdown, 3000)))]);
    }

    // Slack reads &, < and > as markup (<!channel> would ping everyone).
    private static string Escape(string text) => text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..(length - 1)] + "…";
}

public sealed record AlertWebhookBody(string DeliveryId, string Event, AlertView Alert);

public sealed record SlackMessage(string Text, IReadOnlyList<SlackBlock> Blocks);

public sealed record SlackBlock(string Type, SlackText Text);

public sealed record SlackText(string Type, string Text);

/// <summary>A sink did not take a delivery. Carries no URL: sink URLs are secrets.</summary>
public sealed class AlertSinkException : Exception
{
    public AlertSinkException()
    {
    }

    public AlertSinkException(string message)
        : base(message)
    {
    }

    public AlertSinkException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>How long the sink asked us to wait (Retry-After), if it said.</summary>
    public TimeSpan? RetryAfter { get; init; }
}

/// <summary>How sink requests are sent and recognised: the telemetry filter leaves them out of traces,
/// because their URLs are credentials.</summary>
public static class AlertSinkRequests
{
    private static readonly HttpRequestOptionsKey<bool> Marker = new("FuncSync.AlertSink");

    public static bool IsSinkRequest(HttpRequestMessage request) =>
        request is not null && request.Options.TryGetValue(Marker, out var marked) && marked;

    internal static async Task PostAsync<T>(HttpClient http, string sink, Uri url, T body, JsonTypeInfo<T> type, string? idempotencyKey, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new StringContent(JsonSerializer.Serialize(body, type), Encoding.UTF8, "application/json"),
        };
        request.Options.Set(Marker, true);
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            // Unreachable, or the pipeline's retries and timeouts ran out. The inner exception can
            // name the URL; keep only its kind.
            throw new AlertSinkException($"The {sink} sink could not be reached ({ex.GetType().Name}).");
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                throw new AlertSinkException(string.Create(CultureInfo.InvariantCulture, $"The {sink} sink answered {(int)response.StatusCode} {response.StatusCode}."))
                {
                    RetryAfter = response.Headers.RetryAfter?.Delta,
                };
            }
        }
    }
}
