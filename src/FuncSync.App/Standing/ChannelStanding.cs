using System.Globalization;
using FuncSync.Alerts;

namespace FuncSync.Standing;

/// <summary>Keeps the per-channel monthly figures of oversells (the ledger counts the orders), and warns the
/// seller while a channel's cancellation rate is still short of its line, not after.</summary>
public sealed class ChannelStanding(ChannelStandingStore store, AlertSender alerts, TimeProvider time)
{
    public static string AlertKey(string channel, string month) => $"cancellations:{channel}:{month}";

    public Task<IReadOnlyList<Domain.Oversells.ChannelCancellationCost>> CostsAsync(CancellationToken cancellationToken) =>
        store.CostsAsync(time.GetUtcNow(), cancellationToken);

    public async Task CountOversellCancellationAsync(string channel, CancellationToken cancellationToken)
    {
        var month = await store.CountCancellationAsync(channel, time.GetUtcNow(), cancellationToken);
        if (month is { NearLine: true, Threshold: { } line })
        {
            var message = string.Create(
                CultureInfo.InvariantCulture,
                $"{channel}'s cancellation rate this month is {month.Rate:0.0#%} ({month.Cancellations} of {month.Orders} orders cancelled after an oversell); {channel} holds sellers to under {line:0.#%}.");
            var next = string.Create(
                CultureInfo.InvariantCulture,
                $"Avoid cancelling on {channel} until the month ends: pause one-offs there, and when an oversell happens cancel the order on another channel.");
            await alerts.RaiseAsync(AlertKind.CancellationRate, AlertKey(channel, month.Month), message, null, new AlertAdvice(channel, next), cancellationToken);
        }
    }
}
