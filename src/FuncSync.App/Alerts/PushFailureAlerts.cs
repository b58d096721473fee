using FuncSync.Domain;

namespace FuncSync.Alerts;

/// <summary>One alert per listing whose push fails, with the channel's error; cleared by the listing's
/// next successful push. A success asks the store first (one point read), so the healthy path sends no
/// queue message.</summary>
public sealed class PushFailureAlerts(AlertSender alerts, AlertStore store)
{
    private const int MaxErrorLength = 400;

    public static string KeyFor(string sku, Channel channel) => $"push:{channel}:{sku}";

    public Task FailedAsync(string sku, Channel channel, Exception error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(error);
        var detail = $"{error.GetType().Name}: {error.Message}";
        if (detail.Length > MaxErrorLength)
        {
            detail = detail[..MaxErrorLength] + "…";
        }

        return alerts.RaiseAsync(AlertKind.PushFailed, KeyFor(sku, channel), $"Pushing {sku} to {channel} failed: {detail}", sku,
            new AlertAdvice(channel.ToString(), $"Check {channel} on the Channels page (connected, listing still active). FuncSync keeps retrying and clears this alert once a push gets through; until then {channel} may show an old quantity, so pause risky one-offs there."),
            cancellationToken);
    }

    public async Task SucceededAsync(string sku, Channel channel, CancellationToken cancellationToken)
    {
        if (await store.IsActiveAsync(AlertKind.PushFailed, KeyFor(sku, channel), cancellationToken))
        {
            await alerts.ClearAsync(AlertKind.PushFailed, KeyFor(sku, channel), cancellationToken);
        }
    }
}
