using System.Globalization;
using System.Runtime.CompilerServices;
using FuncSync.Alerts;
using FuncSync.Channels.State;
using FuncSync.Channels.Webhooks;
using FuncSync.Domain;
using FuncSync.Push;
using Microsoft.Extensions.Options;

namespace FuncSync.WooCommerce;

/// <summary>Whether the website's webhooks still reach FuncSync. WooCommerce never retries a delivery and disables a
/// webhook after more than 5 failures in a row without telling anyone; the orders poll keeps every sale arriving, only
/// later. After each poll pass this reads <c>GET webhooks</c> and judges each topic FuncSync needs: no webhook points at
/// FuncSync, or the one that does is <c>paused</c> or <c>disabled</c>. Where WooCommerce lists them active, the poll's
/// own evidence decides: a sale it caught that no delivery has followed for <see cref="WooCommerceOptions.WebhookSilence"/>
/// means deliveries are not arriving. Either raises one alert with the seller's next step; the first pass that finds
/// them active and delivering clears it.</summary>
public sealed class WooCommerceWebhookWatch(
    WooCommerceApi woo,
    [FromKeyedServices(Channel.WooCommerce)] ChannelState state,
    AlertSender alerts,
    AlertStore openAlerts,
    IOptions<WooCommerceOptions> options,
    TimeProvider time,
    ILogger<WooCommerceWebhookWatch> logger)
{
    public const string AlertKey = "woocommerce:webhooks";

    /// <summary>The topics FuncSync's webhooks must carry: the orders (the poll only backs them up) and the product
    /// changes that show stock edited in wp-admin.</summary>
    public static readonly IReadOnlyList<string> Topics = [WooCommerceWebhook.OrderCreated, WooCommerceWebhook.OrderUpdated, WooCommerceWebhook.ProductUpdated];

    internal static readonly StateKind<DateTimeOffset> Times = new("webhook-times", WooCommerceJson.Default.DateTimeOffset);
    internal static readonly StateKind<WooCommerceWebhookCheck> Checks = new("webhook-check", WooCommerceJson.Default.WooCommerceWebhookCheck);
    private const string LastDeliveryKey = "last-delivery";
    private const string UndeliveredSaleKey = "undelivered-sale";
    private const string CheckKey = "last";

    // A delivery is recorded at most this often per instance: the silence it disproves is hours long.
    private static readonly TimeSpan DeliveryRecordInterval = TimeSpan.FromMinutes(1);
    private static readonly ConditionalWeakTable<ChannelState, StrongBox<DateTimeOffset>> DeliveriesRecorded = [];

    /// <summary>A delivery reached FuncSync: the webhooks work, whatever the poll caught before it.</summary>
    public async Task RecordDeliveryAsync(DateTimeOffset receivedAt, CancellationToken cancellationToken)
    {
        var recorded = DeliveriesRecorded.GetOrCreateValue(state);
        if (receivedAt >= recorded.Value && receivedAt - recorded.Value < DeliveryRecordInterval)
        {
            return;
        }

        recorded.Value = receivedAt;
        var stored = await state.GetAsync(Times, LastDeliveryKey, cancellationToken);
        if (stored is null || stored.Value < receivedAt)
        {
            await state.UpsertAsync(Times, LastDeliveryKey, receivedAt, cancellationToken);
        }
    }

    /// <summary>The orders poll found a sale made at <paramref name="soldAt"/> before any webhook brought it. Kept is the
    /// oldest such sale no delivery has followed yet.</summary>
    public async Task RecordCaughtAsync(DateTimeOffset soldAt, CancellationToken cancellationToken)
    {
        var lastDelivery = (await state.GetAsync(Times, LastDeliveryKey, cancellationToken))?.Value;
        if (lastDelivery >= soldAt)
        {
            // A delivery came after this sale: late, not stopped.
            return;
        }

        var oldest = (await state.GetAsync(Times, UndeliveredSaleKey, cancellationToken))?.Value;
        if (oldest is null || oldest <= lastDelivery || soldAt < oldest)
        {
            await state.UpsertAsync(Times, UndeliveredSaleKey, soldAt, cancellationToken);
        }
    }

    /// <summary>Judges the webhooks now, stores the verdict for the channel card, and raises or clears the alert.</summary>
    public async Task<WooCommerceWebhookCheck> CheckAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var settings = options.Value;
        IReadOnlyList<WooWebhook> webhooks;
        try
        {
            webhooks = await woo.ListWebhooksAsync(cancellationToken);
        }
        catch (ChannelRequestException ex)
        {
            // A key without the right to read webhooks: the silence below still tells a stopped webhook, so judge on it
            // alone and say on the card why the statuses are missing.
            logger.LogWarning("WooCommerce refused the webhooks list ({Reason}); judging the webhooks by the deliveries alone", ex.Message);
            return await ConcludeAsync(new WooCommerceWebhookCheck(now, ExpectedUrl(settings, []), null, await SilenceAsync(settings, now, cancellationToken), ex.Message), cancellationToken);
        }

        var problems = new List<string>();
        foreach (var topic in Topics)
        {
            var ours = webhooks.Where(w => w.Topic == topic && IsFuncSyncs(w.DeliveryUrl, settings.WebhookUrl)).ToList();
            if (ours.Count == 0)
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture, $"{topic}: no webhook points at FuncSync"));
            }
            else if (!ours.Any(w => w.Status == "active"))
            {
                var status = ours.Any(w => w.Status == "disabled") ? "disabled by WooCommerce after failed deliveries" : "paused";
                problems.Add(string.Create(CultureInfo.InvariantCulture, $"{topic}: {status}"));
            }
        }

        var silence = problems.Count == 0 ? await SilenceAsync(settings, now, cancellationToken) : null;
        return await ConcludeAsync(new WooCommerceWebhookCheck(now, ExpectedUrl(settings, webhooks), problems, silence, null), cancellationToken);
    }

    /// <summary>The last verdict, for the channel card; null before the first poll pass.</summary>
    public async Task<WooCommerceWebhookCheck?> ReadAsync(CancellationToken cancellationToken) =>
        (await state.GetAsync(Checks, CheckKey, cancellationToken))?.Value;

    /// <summary>The delivery URL FuncSync expects: the setting; else the one its other webhooks use; else this app's
    /// route below a placeholder host.</summary>
    private static string ExpectedUrl(WooCommerceOptions settings, IReadOnlyList<WooWebhook> webhooks) =>
        settings.WebhookUrl?.ToString()
        ?? webhooks.Select(w => w.DeliveryUrl).FirstOrDefault(url => IsFuncSyncs(url, null))?.ToString()
        ?? "https://<your FuncSync app>/api/" + ChannelWebhookFunction.RouteOf(Channel.WooCommerce);

    private async Task<string?> SilenceAsync(WooCommerceOptions settings, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var oldest = (await state.GetAsync(Times, UndeliveredSaleKey, cancellationToken))?.Value;
        var lastDelivery = (await state.GetAsync(Times, LastDeliveryKey, cancellationToken))?.Value;
        return oldest is { } sale && !(lastDelivery >= sale) && now - sale >= settings.WebhookSilence
            ? string.Create(CultureInfo.InvariantCulture, $"no delivery has arrived since a sale of {sale:u} that the orders poll caught{(lastDelivery is { } at ? $" (last delivery {at:u})" : " (none ever)")}")
            : null;
    }

    private async Task<WooCommerceWebhookCheck> ConcludeAsync(WooCommerceWebhookCheck check, CancellationToken cancellationToken)
    {
        await state.UpsertAsync(Checks, CheckKey, check, cancellationToken);
        if (!check.Stopped)
        {
            // Asked first: the poll passes every couple of minutes, and a clear for nothing would be a queue message each time.
            if (await openAlerts.IsActiveAsync(AlertKind.WebhookStopped, AlertKey, cancellationToken))
            {
                await alerts.ClearAsync(AlertKind.WebhookStopped, AlertKey, cancellationToken);
            }

            return check;
        }

        var what = string.Join("; ", [.. check.Problems ?? [], .. check.Silence is { } silence ? [silence] : Array.Empty<string>()]);
        logger.LogWarning("WooCommerce's webhooks do not reach FuncSync: {Problems}", what);
        await alerts.RaiseAsync(
            AlertKind.WebhookStopped,
            AlertKey,
            $"WooCommerce's webhooks do not reach FuncSync ({what}). Website orders still arrive by the orders poll, but minutes later, so the other channels can sell the last unit meanwhile.",
            null,
            new AlertAdvice(
                "WooCommerce",
                $"In WordPress open WooCommerce → Settings → Advanced → Webhooks and set the status of the {string.Join(", ", Topics)} webhooks to Active, with delivery URL {check.DeliveryUrl} and the webhook secret FuncSync is configured with; add any that is missing. The alert clears once deliveries arrive again."),
            cancellationToken);
        return check;
    }

    private static bool IsFuncSyncs(Uri? deliveryUrl, Uri? expected) =>
        deliveryUrl is not null && (expected is not null
            ? Uri.Compare(deliveryUrl, expected, UriComponents.HttpRequestUrl, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0
            : deliveryUrl.AbsolutePath.TrimEnd('/').EndsWith("/api/" + ChannelWebhookFunction.RouteOf(Channel.WooCommerce), StringComparison.OrdinalIgnoreCase));
}

/// <summary>One judgement of the website's webhooks.</summary>
/// <param name="DeliveryUrl">Where the webhooks must point.</param>
/// <param name="Problems">Each needed topic without an active webhook pointing at FuncSync; null when WooCommerce would
/// not list its webhooks.</param>
/// <param name="Silence">Why the deliveries look stopped though the webhooks are listed active, or null.</param>
/// <param name="Unreadable">Why WooCommerce refused the webhooks list, or null.</param>
public sealed record WooCommerceWebhookCheck(DateTimeOffset CheckedAt, string DeliveryUrl, IReadOnlyList<string>? Problems, string? Silence, string? Unreadable)
{
    public bool Stopped => Problems is { Count: > 0 } || Silence is not null;
}
