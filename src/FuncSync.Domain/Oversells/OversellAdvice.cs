using System.Globalization;

namespace FuncSync.Domain.Oversells;

/// <summary>One order in an oversell: where it was placed, the seller's name for it, how many units it
/// took and when.</summary>
/// <param name="Channel">The channel's display name ("Etsy"), or who else moved the stock.</param>
public sealed record OversellOrder(string Channel, string Reference, int Units, DateTimeOffset PlacedAt);

/// <summary>What cancelling an order costs the seller on one channel this month.</summary>
/// <param name="Threshold">The cancellation rate the channel holds sellers to (Etsy Star Seller: 1 %); null: none.</param>
/// <param name="Rate">This month's cancellation rate there so far, as a fraction.</param>
public sealed record ChannelCancellationCost(string Channel, double? Threshold, double Rate)
{
    /// <summary>Within this share of the threshold a channel counts as near its line.</summary>
    public const double NearShare = 0.5;

    /// <summary>True when one more cancellation here risks the channel's standing.</summary>
    public bool NearLine => Threshold is { } line && Rate >= line * NearShare;
}

/// <summary>The seller's next step for an oversell: which orders compete for the missing units, which
/// to cancel so it hurts least, and what to tell that buyer.</summary>
/// <param name="Oversold">The order that found no stock.</param>
/// <param name="Competing">The other orders that took the last units, each once, oldest first.</param>
/// <param name="Cancel">The orders to cancel, enough units to cover the shortfall.</param>
/// <param name="Why">Why those orders, in the seller's words.</param>
/// <param name="BuyerMessage">A message the seller can send the buyer of the first order to cancel.</param>
public sealed record OversellAdvice(
    OversellOrder Oversold,
    IReadOnlyList<OversellOrder> Competing,
    int Shortfall,
    IReadOnlyList<OversellOrder> Cancel,
    string Why,
    string BuyerMessage)
{
    /// <summary>Works out the advice. By default the later order is cancelled (the earlier buyer was
    /// first); an order on a channel near its cancellation line is cancelled only when no order on
    /// another channel can cover the shortfall.</summary>
    /// <param name="sales">Sales that took the stock since it was last positive, newest or oldest first;
    /// may include the oversold order itself and several lines of one order.</param>
    public static OversellAdvice For(OversellOrder oversold, IEnumerable<OversellOrder> sales, int shortfall, string title, IReadOnlyCollection<ChannelCancellationCost> costs)
    {
        ArgumentNullException.ThrowIfNull(oversold);
        ArgumentNullException.ThrowIfNull(sales);
        ArgumentNullException.ThrowIfNull(costs);
        var competing = sales
            .Where(s => !SameOrder(s, oversold))
            .GroupBy(s => (s.Channel, s.Reference))
            .Select(g => new OversellOrder(g.Key.Channel, g.Key.Reference, g.Sum(s => s.Units), g.Min(s => s.PlacedAt)))
            .OrderBy(s => s.PlacedAt)
            .ToList();
        var candidates = competing.Append(oversold).ToList();
        bool NearLine(OversellOrder order) => costs.Any(c => string.Equals(c.Channel, order.Channel, StringComparison.Ordinal) && c.NearLine);

        // Cheap channels first, later orders first within them.
        var ranked = candidates.OrderBy(NearLine).ThenByDescending(o => o.PlacedAt).ToList();
        var cancel = new List<OversellOrder>();
        var covered = 0;
        foreach (var order in ranked)
        {
            if (covered >= Math.Max(1, shortfall))
            {
                break;
            }

            cancel.Add(order);
            covered += order.Units;
        }

        var first = cancel[0];
        var latest = candidates.MaxBy(o => o.PlacedAt)!;
        var why = ReferenceEquals(first, latest) || SameOrder(first, latest)
            ? "it is the later order; the earlier buyer was first."
            : string.Create(CultureInfo.InvariantCulture, $"{latest.Channel} is near its cancellation line this month, so cancel on {first.Channel} instead, even though {latest.Reference} came later.");
        var message = string.Create(
            CultureInfo.InvariantCulture,
            $"Hello, thank you for your order {first.Reference}. I'm sorry: the last {title} sold in another shop moments before your order, so I can't send it. I've cancelled the order and refunded you in full. If you would like one made or held from the next batch, reply and I'll reserve it for you.");
        return new OversellAdvice(oversold, competing, shortfall, cancel, why, message);
    }

    private static bool SameOrder(OversellOrder a, OversellOrder b) =>
        string.Equals(a.Channel, b.Channel, StringComparison.Ordinal) && string.Equals(a.Reference, b.Reference, StringComparison.Ordinal);
}
