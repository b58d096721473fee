using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using FuncSync.Json;
using FuncSync.Storage;

namespace FuncSync.Alerts;

/// <summary>The Alerts table, one shop partition: a row per alert (kind + key), a dedupe row per
/// applied notice, and a delivery row per notice the sinks still owe. A notice's three rows commit in
/// one entity-group transaction, so a redelivered queue message neither counts twice nor delivers
/// twice, and a delivery a crash interrupted is still on record for the sweeper.
/// A change of an alert's status touches the stock grid's change marker once it has committed: the grid counts open alerts.</summary>
public sealed class AlertStore(TableClient table, ShopPartition shop, GridChangeMarker? changes = null)
{
    private const string AlertPrefix = "alert";
    private const string NoticePrefix = "notice";
    private const string DeliveryPrefix = "delivery";
    private const int MaxAttempts = 10;

    /// <summary>A stable, URL-safe id for an alert key: 128 bits of SHA-256, base64url.</summary>
    public static string IdFor(AlertKind kind, string key)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(kind + "\n" + key));
        return Convert.ToBase64String(hash, 0, 16).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    public async Task<AlertState?> GetAsync(string id, CancellationToken cancellationToken)
    {
        var row = await table.GetEntityIfExistsAsync<TableEntity>(shop.Key, AlertKey(id), cancellationToken: cancellationToken);
        return row.HasValue ? FromEntity(row.Value!) : null;
    }

    /// <summary>True when an alert for this key is open or acknowledged: producers that would otherwise
    /// clear on every success ask first, which costs one point read and no queue message.</summary>
    public async Task<bool> IsActiveAsync(AlertKind kind, string key, CancellationToken cancellationToken) =>
        await GetAsync(IdFor(kind, key), cancellationToken) is { } state && state.View.Status != AlertStatus.Resolved;

    public async Task<IReadOnlyList<AlertView>> ListAsync(CancellationToken cancellationToken)
    {
        var alerts = new List<AlertView>();
        await foreach (var row in table.QueryAsync<TableEntity>(PrefixFilter(AlertPrefix), cancellationToken: cancellationToken))
        {
            alerts.Add(FromEntity(row).View);
        }

        return alerts;
    }

    /// <summary>Applies one notice from the queue. <paramref name="noticeId"/> identifies the queue
    /// message: a second delivery of it finds its dedupe row and changes nothing.</summary>
    /// <param name="sinks">The sinks configured now; a delivery row is written only when there are any.</param>
    /// <param name="claimedUntil">The new delivery row is claimed by the caller until then; past it, the sweeper takes over.</param>
    public async Task<NoticeOutcome> ApplyAsync(
        AlertNotice notice, string noticeId, IReadOnlyList<string> sinks, TimeSpan suppressionWindow, DateTimeOffset now, DateTimeOffset claimedUntil, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(notice);
        var (kind, key) = notice.Raised is { } r ? (r.Kind, r.Key) : notice.Cleared is { } c ? (c.Kind, c.Key) : throw new InvalidDataException("The alert message says neither raised nor cleared.");
        var id = IdFor(kind, key);
        var noticeKey = TableKeys.Join(NoticePrefix, noticeId);
        for (var attempt = 1; ; attempt++)
        {
            var row = await table.GetEntityIfExistsAsync<TableEntity>(shop.Key, AlertKey(id), cancellationToken: cancellationToken);
            var current = row.HasValue ? FromEntity(row.Value!) : null;
            var transition = notice.Raised is { } raised
                ? AlertLifecycle.Raise(current, raised, id, suppressionWindow)
                : AlertLifecycle.Clear(current, notice.Cleared!);
            if (transition is null)
            {
                return new NoticeOutcome(NoticeResult.Unchanged, current, null);
            }

            var entity = ToEntity(transition.State);
            var actions = new List<TableTransactionAction>
            {
                new(TableTransactionActionType.Add, new TableEntity(shop.Key, noticeKey) { ["AppliedAt"] = now }),
                row.HasValue
                    ? new(TableTransactionActionType.UpdateReplace, entity, row.Value!.ETag)
                    : new(TableTransactionActionType.Add, entity),
            };
            PendingDelivery? delivery = null;
            if (transition.Delivery is { } @event && sinks.Count > 0)
            {
                delivery = new PendingDelivery(TableKeys.Join(DeliveryPrefix, noticeId), noticeId, @event, transition.State.View, sinks, 0, default);
                actions.Add(new TableTransactionAction(TableTransactionActionType.Add, DeliveryEntity(delivery, now, claimedUntil, null)));
            }

            try
            {
                var responses = await table.SubmitTransactionAsync(TableBatch.Validate(actions), cancellationToken);
                await TouchAsync(cancellationToken);
                delivery = delivery is null ? null : delivery with { ETag = responses.Value[2].Headers.ETag ?? default };
                return new NoticeOutcome(NoticeResult.Applied, transition.State, delivery);
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412)
            {
                if ((await table.GetEntityIfExistsAsync<TableEntity>(shop.Key, noticeKey, ["AppliedAt"], cancellationToken)).HasValue)
                {
                    return new NoticeOutcome(NoticeResult.Duplicate, current, null);
                }

                if (attempt >= MaxAttempts)
                {
                    throw;
                }

                // The same alert changed meanwhile (another notice, an acknowledgement): decide again, after a short
                // random pause. Many notices of one alert at once (a poison alert raised by every poisoned message of a
                // queue) otherwise keep colliding and all but one use up their attempts.
                await ContentionPause(attempt, cancellationToken);
            }
        }
    }

    /// <returns>The alert after acknowledging; null when there is no such alert.</returns>
    public async Task<AlertView?> AcknowledgeAsync(string id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var row = await table.GetEntityIfExistsAsync<TableEntity>(shop.Key, AlertKey(id), cancellationToken: cancellationToken);
            if (!row.HasValue)
            {
                return null;
            }

            var current = FromEntity(row.Value!);
            if (AlertLifecycle.Acknowledge(current, now) is not { } acknowledged)
            {
                return current.View;
            }

            try
            {
                await table.UpdateEntityAsync(ToEntity(acknowledged), row.Value!.ETag, TableUpdateMode.Replace, cancellationToken);
                await TouchAsync(cancellationToken);
                return acknowledged.View;
            }
            catch (RequestFailedException ex) when (ex.Status == 412 && attempt < MaxAttempts)
            {
                // Raised or resolved meanwhile: acknowledge the fresh row.
            }
        }
    }

    /// <summary>Deliveries whose claim has lapsed or whose retry is due.</summary>
    public async Task<IReadOnlyList<PendingDelivery>> DueDeliveriesAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var due = new List<PendingDelivery>();
        var filter = $"{PrefixFilter(DeliveryPrefix)} and {TableClient.CreateQueryFilter($"NextAttemptAt le {now}")}";
        await foreach (var row in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            due.Add(FromDeliveryEntity(row));
        }

        return due;
    }

    public async Task<int> CountDeliveriesAsync(CancellationToken cancellationToken)
    {
        var count = 0;
        await foreach (var _ in table.QueryAsync<TableEntity>(PrefixFilter(DeliveryPrefix), select: ["AlertId"], cancellationToken: cancellationToken))
        {
            count++;
        }

        return count;
    }

    /// <summary>Takes a due delivery for <paramref name="until"/>, so no other instance sends it meanwhile.</summary>
    /// <returns>The claimed delivery, or null when another instance claimed or finished it first.</returns>
    public async Task<PendingDelivery?> TryClaimAsync(PendingDelivery delivery, DateTimeOffset until, CancellationToken cancellationToken)
    {
        var update = new TableEntity(shop.Key, delivery.RowKey) { ["NextAttemptAt"] = until };
        try
        {
            var response = await table.UpdateEntityAsync(update, delivery.ETag, TableUpdateMode.Merge, cancellationToken);
            return delivery with { ETag = response.Headers.ETag ?? default };
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412)
        {
            return null;
        }
    }

    /// <summary>Every sink has it: the delivery row goes.</summary>
    public async Task CompleteAsync(PendingDelivery delivery, CancellationToken cancellationToken)
    {
        try
        {
            await table.DeleteEntityAsync(shop.Key, delivery.RowKey, delivery.ETag, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412)
        {
            // Finished by another instance after our claim lapsed.
        }
    }

    /// <summary>Keeps only the sinks still owed, to be tried again at <paramref name="nextAttemptAt"/>.</summary>
    public async Task RescheduleAsync(PendingDelivery delivery, IReadOnlyList<string> stillPending, DateTimeOffset now, DateTimeOffset nextAttemptAt, string error, CancellationToken cancellationToken)
    {
        var entity = DeliveryEntity(delivery with { Pending = stillPending, Attempts = delivery.Attempts + 1 }, now, nextAttemptAt, error);
        try
        {
            await table.UpdateEntityAsync(entity, delivery.ETag, TableUpdateMode.Merge, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412)
        {
            // Taken over after our claim lapsed; the other instance records its own outcome.
        }
    }

    /// <summary>Dedupe rows only guard against a redelivered message; after a week none is coming.</summary>
    public async Task<int> PurgeNoticesAsync(DateTimeOffset olderThan, CancellationToken cancellationToken)
    {
        var purged = 0;
        var filter = $"{PrefixFilter(NoticePrefix)} and {TableClient.CreateQueryFilter($"AppliedAt lt {olderThan}")}";
        await foreach (var row in table.QueryAsync<TableEntity>(filter, select: ["AppliedAt"], cancellationToken: cancellationToken))
        {
            try
            {
                await table.DeleteEntityAsync(shop.Key, row.RowKey, ETag.All, cancellationToken);
                purged++;
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
                // Purged by another instance.
            }
        }

        return purged;
    }

    /// <summary>The SKUs with an open alert of <paramref name="kind"/>: of <paramref name="sku"/> only, or of every SKU.</summary>
    public async Task<IReadOnlySet<string>> OpenSkusAsync(AlertKind kind, string? sku, CancellationToken cancellationToken)
    {
        var name = kind.ToString();
        var filter = PrefixFilter(AlertPrefix) + " and " + (sku is null
            ? TableClient.CreateQueryFilter($"Kind eq {name} and Status eq 'open'")
            : TableClient.CreateQueryFilter($"Kind eq {name} and Status eq 'open' and Sku eq {sku}"));
        var skus = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var row in table.QueryAsync<TableEntity>(filter, select: ["Sku"], cancellationToken: cancellationToken))
        {
            if (row.GetString("Sku") is { } found)
            {
                skus.Add(found);
            }
        }

        return skus;
    }

    /// <summary>The SKU each open alert names (null for an alert about no SKU: a channel's lag, a poison queue), in one
    /// query that reads only that column.</summary>
    public async Task<IReadOnlyList<string?>> OpenAlertSkusAsync(CancellationToken cancellationToken)
    {
        var skus = new List<string?>();
        await foreach (var row in table.QueryAsync<TableEntity>(PrefixFilter(AlertPrefix) + " and Status eq 'open'", select: ["Sku"], cancellationToken: cancellationToken))
        {
            skus.Add(row.GetString("Sku"));
        }

        return skus;
    }

    // Real time, not the injected clock: the pause spaces real requests of competing writers, and a test's frozen clock
    // would stall it. Jitter needs no reproducibility: it only spreads the writers.
    private static Task ContentionPause(int attempt, CancellationToken cancellationToken) =>
        Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 20 << Math.Min(attempt, 5))), TimeProvider.System, cancellationToken);

    private Task TouchAsync(CancellationToken cancellationToken) =>
        changes?.TouchAsync(cancellationToken) ?? Task.CompletedTask;

    private static string AlertKey(string id) => TableKeys.Join(AlertPrefix, id);

    private string PrefixFilter(string prefix)
    {
        var from = prefix + TableKeys.Separator;
        return TableClient.CreateQueryFilter($"PartitionKey eq {shop.Key} and RowKey ge {from} and RowKey lt {TableKeys.PrefixEnd(from)}");
    }

    private TableEntity ToEntity(AlertState state)
    {
        var view = state.View;
        return new TableEntity(shop.Key, AlertKey(view.Id))
        {
            ["Id"] = view.Id,
            ["Kind"] = view.Kind.ToString(),
            ["Key"] = view.Key,
            ["Sku"] = view.Sku,
            ["Message"] = view.Message,
            ["Status"] = view.Status,
            ["Count"] = view.Count,
            ["FirstRaisedAt"] = view.FirstRaisedAt,
            ["LastRaisedAt"] = view.LastRaisedAt,
            ["AcknowledgedAt"] = view.AcknowledgedAt,
            ["ResolvedAt"] = view.ResolvedAt,
            ["LastDeliveredAt"] = state.LastDeliveredAt,
            ["Channel"] = view.Channel,
            ["NextStep"] = view.NextStep,
            ["Oversell"] = view.Oversell is { } oversell ? JsonSerializer.Serialize(oversell, FuncSyncJson.Default.OversellAdvice) : null,
        };
    }

    private static AlertState FromEntity(TableEntity row) => new(
        new AlertView(
            row.GetString("Id"),
            Enum.Parse<AlertKind>(row.GetString("Kind")),
            row.GetString("Key"),
            row.GetString("Sku"),
            row.GetString("Message") ?? string.Empty,
            row.GetString("Status") ?? AlertStatus.Open,
            row.GetInt32("Count") ?? 1,
            row.GetDateTimeOffset("FirstRaisedAt") ?? default,
            row.GetDateTimeOffset("LastRaisedAt") ?? default,
            row.GetDateTimeOffset("AcknowledgedAt"),
            row.GetDateTimeOffset("ResolvedAt"))
        {
            Channel = row.GetString("Channel"),

            // Alerts stored before next steps were kept get their kind's general one.
            NextStep = row.GetString("NextStep") is { Length: > 0 } step ? step : AlertGuidance.NextStep(Enum.Parse<AlertKind>(row.GetString("Kind"))),
            Oversell = row.GetString("Oversell") is { Length: > 0 } json ? JsonSerializer.Deserialize(json, FuncSyncJson.Default.OversellAdvice) : null,
        },
        row.GetDateTimeOffset("LastDeliveredAt"));

    private TableEntity DeliveryEntity(PendingDelivery delivery, DateTimeOffset now, DateTimeOffset nextAttemptAt, string? error) => new(shop.Key, delivery.RowKey)
    {
        ["DeliveryId"] = delivery.DeliveryId,
        ["AlertId"] = delivery.Alert.Id,
        ["Event"] = delivery.Event,
        ["Alert"] = JsonSerializer.Serialize(delivery.Alert, FuncSyncJson.Default.AlertView),
        ["Pending"] = string.Join(';', delivery.Pending),
        ["Attempts"] = delivery.Attempts,
        ["NextAttemptAt"] = nextAttemptAt,
        ["UpdatedAt"] = now,
        ["LastError"] = error,
    };

    private static PendingDelivery FromDeliveryEntity(TableEntity row) => new(
        row.RowKey,
        row.GetString("DeliveryId"),
        row.GetString("Event"),
        JsonSerializer.Deserialize(row.GetString("Alert"), FuncSyncJson.Default.AlertView) ?? throw new InvalidDataException($"Delivery {row.RowKey} has no alert."),
        row.GetString("Pending")?.Split(';', StringSplitOptions.RemoveEmptyEntries) ?? [],
        row.GetInt32("Attempts") ?? 0,
        row.ETag);
}

public enum NoticeResult
{
    Applied,

    /// <summary>This queue message was applied before.</summary>
    Duplicate,

    /// <summary>Nothing to change: a clear with no open alert, or a notice older than the alert's state.</summary>
    Unchanged,
}

/// <param name="Delivery">What the sinks are owed now, claimed by the caller; null when suppressed or no sink is configured.</param>
public sealed record NoticeOutcome(NoticeResult Result, AlertState? State, PendingDelivery? Delivery);

/// <summary>An alert event the sinks are owed.</summary>
/// <param name="DeliveryId">Stable across retries: receivers can drop a repeat by it.</param>
/// <param name="Event"><c>raised</c> or <c>resolved</c>.</param>
/// <param name="Pending">The sinks that have not taken it yet.</param>
public sealed record PendingDelivery(string RowKey, string DeliveryId, string Event, AlertView Alert, IReadOnlyList<string> Pending, int Attempts, ETag ETag);
