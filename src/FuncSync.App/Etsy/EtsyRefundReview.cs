using System.Globalization;
using FuncSync.Alerts;
using FuncSync.Catalog;
using FuncSync.Channels.State;
using FuncSync.Domain;

namespace FuncSync.Etsy;

/// <summary>
/// What FuncSync does with an Etsy refund on a receipt that was not canceled: it restocks nothing and asks the seller.
/// A ShopRefund carries an amount, a time, a reason and a note, but no transaction and no word on whether anything
/// came back; a refund may be a shipping credit, a goodwill gesture, a damaged item the buyer keeps, or a return.
/// Guessing would put units on sale that may not exist, and an oversell costs more than a lost sale: so each refund
/// raises one <see cref="AlertKind.RefundReview"/> alert naming the receipt, the amount against the order total and
/// the SKUs involved, and the seller restocks by hand through the admin API if units did come back. A cancellation
/// (the receipt's status is Canceled) is different: Etsy gives the whole order back, and
/// <see cref="EtsyReceiptEvents.Cancellations"/> restocks every transaction.
/// </summary>
/// <remarks>Each refund is alerted once: a row per refund (keyed by receipt, time and amount, since refunds have no id)
/// is written before the alert and marked after it. A crash in between sends the alert again on the next pass, under
/// the same alert key, so the Alerts table still holds one alert for it; a refund is never left unalerted.</remarks>
public sealed class EtsyRefundReview([FromKeyedServices(Channel.Etsy)] ChannelState state, SkuMapStore skuMap, AlertSender alerts)
{
    /// <summary>Alerts every refund of <paramref name="receipts"/> not alerted before; returns how many it alerted.</summary>
    public async Task<int> ReviewAsync(IEnumerable<EtsyReceipt> receipts, CancellationToken cancellationToken)
    {
        var raised = 0;
        foreach (var receipt in receipts.Where(r => !EtsyReceiptEvents.IsCanceled(r) && r.Refunds is { Count: > 0 }))
        {
            var refundedSoFar = 0m;
            foreach (var refund in receipt.Refunds!)
            {
                refundedSoFar += refund.Amount?.Value ?? 0;
                if (await ClaimAsync(receipt, refund, cancellationToken) is not { } claim)
                {
                    continue;
                }

                await alerts.RaiseAsync(
                    AlertKind.RefundReview,
                    claim.Key,
                    await MessageAsync(receipt, refund, refundedSoFar, cancellationToken),
                    null,
                    new AlertAdvice("Etsy", "Decide which units came back: record them as a return (or an adjustment if they are damaged); nothing was restocked yet."),
                    cancellationToken);
                // Refused only when another pass marked it in the meantime: alerted either way.
                await state.TryReplaceAsync(EtsyState.Refunds, claim, claim.Value with { Alerted = true }, cancellationToken);
                raised++;
            }
        }

        return raised;
    }

    public static string Key(EtsyReceipt receipt, EtsyRefund refund) => string.Create(
        CultureInfo.InvariantCulture, $"etsy-refund-{receipt.ReceiptId}-{refund.CreatedTimestamp}-{refund.Amount?.Amount ?? 0}");

    /// <summary>The refund's row, written now or left unalerted by an earlier pass; null when it was alerted already.</summary>
    private async Task<StateEntry<EtsyRefundClaim>?> ClaimAsync(EtsyReceipt receipt, EtsyRefund refund, CancellationToken cancellationToken)
    {
        var key = Key(receipt, refund);
        while (true)
        {
            if (await state.GetAsync(EtsyState.Refunds, key, cancellationToken) is { } existing)
            {
                return existing.Value.Alerted ? null : existing;
            }

            // Null: another pass (the poll and the re-check) found it at the same moment; decide on its row.
            if (await state.TryAddAsync(EtsyState.Refunds, key, new EtsyRefundClaim(receipt.ReceiptId, Alerted: false), cancellationToken) is { } claimed)
            {
                return claimed;
            }
        }
    }

    /// <param name="refundedSoFar">This refund and the ones before it: the last of several partial refunds can make a full one.</param>
    private async Task<string> MessageAsync(EtsyReceipt receipt, EtsyRefund refund, decimal refundedSoFar, CancellationToken cancellationToken)
    {
        var skus = new List<string>();
        foreach (var transaction in receipt.Transactions)
        {
            var sku = await skuMap.FindSkuAsync(EtsyListing.KeyFor(transaction.ListingId, transaction.Sku), cancellationToken);
            skus.Add(string.Create(CultureInfo.InvariantCulture, $"{sku ?? $"unmapped listing {transaction.ListingId}"} x{transaction.Quantity}"));
        }

        var amount = refund.Amount is { } money ? Format(money) : "an unknown amount";
        var total = receipt.Grandtotal is { } grand ? " of " + Format(grand) : string.Empty;
        var full = receipt.Grandtotal is { } g && refundedSoFar >= g.Value ? "a full refund (with any earlier ones)" : "a partial refund";
        var why = string.Join("; ", new[] { refund.Reason, refund.NoteFromIssuer }.Where(s => !string.IsNullOrWhiteSpace(s)));
        return string.Create(
            CultureInfo.InvariantCulture,
            $"Etsy receipt {receipt.ReceiptId} ({string.Join(", ", skus)}) was refunded {amount}{total} on {DateTimeOffset.FromUnixTimeSeconds(refund.CreatedTimestamp):u}, {full} of an order that was not canceled{(why.Length > 0 ? $" ({why})" : "")}. Etsy does not say which item or whether it came back, so nothing was restocked. If units are back on the shelf, add them: POST /api/skus/{{sku}}/adjustments with {{\"delta\": n, \"reason\": \"found\"}}.");
    }

    private static string Format(EtsyMoney money) =>
        string.Create(CultureInfo.InvariantCulture, $"{money.Value:0.00} {money.CurrencyCode}").TrimEnd();
}
