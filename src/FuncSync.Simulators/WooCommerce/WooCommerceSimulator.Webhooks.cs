using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using FuncSync.Simulators.Hosting;
using Microsoft.AspNetCore.Http;

namespace FuncSync.Simulators.WooCommerce;

/// <summary>The shop's webhooks: one per topic FuncSync uses, as a seller creates them in WooCommerce → Settings →
/// Advanced → Webhooks, each with its own status and failure count, listed by <c>GET webhooks</c> and read by
/// <c>GET webhooks/{id}</c> as the REST API shows them.</summary>
public sealed partial class WooCommerceSimulator
{
    public const string WebhookActive = "active";
    public const string WebhookPaused = "paused";
    public const string WebhookDisabled = "disabled";

    private static readonly string[] WebhookStatuses = ["all", WebhookActive, WebhookPaused, WebhookDisabled];

    private readonly List<WooWebhook> _webhooks;

    /// <summary><c>active</c>; <c>paused</c> when the seller paused it; <c>disabled</c> once more than 5 deliveries in a
    /// row failed (the seller must re-activate it in wp-admin).</summary>
    public string WebhookStatus(string topic)
    {
        lock (_gate)
        {
            return Webhook(topic).Status;
        }
    }

    /// <summary>Consecutive failed deliveries of the topic's webhook, as its <c>failure_count</c>.</summary>
    public int FailureCount(string topic)
    {
        lock (_gate)
        {
            return Webhook(topic).Failures;
        }
    }

    /// <summary>The seller sets a webhook's status in wp-admin; set active, its failures are forgotten.</summary>
    public void SetWebhookStatus(string topic, string status)
    {
        if (!WebhookStatuses.AsSpan(1).Contains(status))
        {
            throw new ArgumentException($"A webhook's status is active, paused or disabled, not {status}.", nameof(status));
        }

        lock (_gate)
        {
            Webhook(topic).Set(status, Now());
        }
    }

    /// <summary>Every webhook is re-activated in wp-admin (status active, failures forgotten).</summary>
    public void ReactivateWebhooks()
    {
        lock (_gate)
        {
            foreach (var webhook in _webhooks)
            {
                webhook.Set(WebhookActive, Now());
            }
        }
    }

    private WooWebhook Webhook(string topic) =>
        _webhooks.Find(w => w.Topic == topic) ?? throw new ArgumentException($"The shop has no webhook for {topic}.", nameof(topic));

    /// <summary><c>GET webhooks</c>: <c>status</c> filters (all, active, paused, disabled; all by default), paged like
    /// every list. A webhook exists only once its delivery URL is set.</summary>
    private async Task ListWebhooksAsync(HttpContext context)
    {
        var status = context.Request.Query["status"].ToString();
        if (status.Length > 0 && !WebhookStatuses.Contains(status))
        {
            await ErrorAsync(context, 400, "rest_invalid_param", "Invalid parameter(s): status");
            return;
        }

        List<JsonObject> webhooks;
        lock (_gate)
        {
            webhooks = Options.DeliveryUrl is { } url
                ? [.. _webhooks.Where(w => status is "" or "all" || w.Status == status).OrderByDescending(w => w.Id).Select(w => w.ToJson(url))]
                : [];
        }

        await ListAsync(context, webhooks);
    }

    private async Task GetWebhookAsync(HttpContext context, long id)
    {
        JsonObject? json;
        lock (_gate)
        {
            json = Options.DeliveryUrl is { } url ? _webhooks.Find(w => w.Id == id)?.ToJson(url) : null;
        }

        await (json is null ? ErrorAsync(context, 404, "woocommerce_rest_webhook_invalid_id", "Invalid ID.") : SimulatorJson.WriteAsync(context, 200, json));
    }

    /// <summary>One webhook (<c>WC_Webhook</c>): its status and consecutive failures. Guarded by the simulator's gate.</summary>
    private sealed class WooWebhook(long id, string topic, DateTimeOffset created)
    {
        private readonly DateTimeOffset _created = created;
        private DateTimeOffset _modified = created;

        public long Id { get; } = id;

        public string Topic { get; } = topic;

        public string Status { get; private set; } = WebhookActive;

        public int Failures { get; private set; }

        /// <summary><c>WC_Webhook::failed_delivery</c>: a 2xx, 301 or 302 resets the failure count; anything else adds
        /// one, and a failure with more than <paramref name="maxFailures"/> already counted disables the webhook instead.
        /// It is never retried either way.</summary>
        public void Answered(HttpStatusCode status, int maxFailures, DateTimeOffset now)
        {
            if ((int)status is >= 200 and < 303)
            {
                Failures = 0;
            }
            else if (Failures > maxFailures)
            {
                Set(WebhookDisabled, now);
            }
            else
            {
                Failures++;
            }
        }

        public void Set(string status, DateTimeOffset now)
        {
            Status = status;
            _modified = now;
            if (status == WebhookActive)
            {
                Failures = 0;
            }
        }

        public JsonObject ToJson(Uri deliveryUrl)
        {
            var (resource, @event) = (Topic.Split('.')[0], Topic.Split('.')[1]);
            var (createdAt, modified) = (WooTime.Format(_created), WooTime.Format(_modified));
            return new JsonObject
            {
                ["id"] = Id,
                ["name"] = string.Create(CultureInfo.InvariantCulture, $"FuncSync {Topic}"),
                ["status"] = Status,
                ["topic"] = Topic,
                ["resource"] = resource,
                ["event"] = @event,
                ["hooks"] = new JsonArray(HooksOf(Topic).Select(h => (JsonNode)h).ToArray()),
                ["delivery_url"] = deliveryUrl.ToString(),
                ["date_created"] = createdAt,
                ["date_created_gmt"] = createdAt,
                ["date_modified"] = modified,
                ["date_modified_gmt"] = modified,
            };
        }

        // The action hooks WC_Webhook binds each core topic to.
        private static string[] HooksOf(string topic) => topic switch
        {
            OrderCreated => ["woocommerce_new_order"],
            OrderUpdated => ["woocommerce_update_order", "woocommerce_order_refunded"],
            _ => ["woocommerce_update_product", "woocommerce_process_product_meta"],
        };
    }
}
