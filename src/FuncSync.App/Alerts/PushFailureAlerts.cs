using FuncSync.Domain;

namespace FuncSync.Alerts;

/// <summary>One alert per listing whose push fails, with the channel's error; cleared by the listing's
/// next successful push. A failure marks the listing's push record first, so a success looks the alert up (one point
/// read) only when the record it read says a failure came since, and the healthy path costs nothing here.</summary>
public sealed class PushFailureAlerts(AlertSender alerts, AlertStore store, Push.PushStore pushes)
{
    private const int MaxErrorLength = 400;

    public static string KeyFor(string sku, Channel channel) => $"push:{channel}:{sku}";

    public async Task FailedAsync(string sku, Channel channel, Exception error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(error);

        // Marked before raised: a mark that fails raises nothing (the queue retries the push), and an alert never
        // stands without the mark that lets a success clear it.
        await pushes.MarkFailingAsync(sku, channel, cancellationToken);
        var detail = $"{error.GetType().Name}: {error.Message}";
        if (detail.Length > MaxErrorLength)
        {
            detail = detail[..MaxErrorLength] + "…";
        }

        await alerts.RaiseAsync(AlertKind.PushFailed, KeyFor(sku, channel), $"Pushing {sku} to {channel} failed: {detail}", sku,
            new AlertAdvice(channel.ToString(), $"Check {channel} on the Channels page (connected, listing still active). FuncSync keeps retrying and clears this alert once a push gets through; until then {channel} may show an old quantity, so pause risky one-offs there."),
            cancellationToken);
    }

    /// <summary>A push got through: the listing's alert, if one is open, is cleared. Called only when the push saw its
    /// record marked failing (or had none).</summary>
    public async Task SucceededAsync(string sku, Channel channel, CancellationToken cancellationToken)
    {
        if (await store.IsActiveAsync(AlertKind.PushFailed, KeyFor(sku, channel), cancellationToken))
        {
            await alerts.ClearAsync(AlertKind.PushFailed, KeyFor(sku, channel), cancellationToken);
        }
    }
}
