using System.Globalization;
using System.Text;

namespace FuncSync.Bench;

/// <summary>Storage requests counted over <see cref="Orders"/> orders, and over an idle window before them.</summary>
internal sealed record StorageOperationsResult(int Orders, double BusySeconds, double IdleSeconds, IReadOnlyDictionary<string, int> Busy, IReadOnlyDictionary<string, int> Idle)
{
    /// <summary>Requests of one kind per order, the idle rate over the same time taken off.</summary>
    public double PerOrder(string kind) =>
        Math.Max(0, Busy.GetValueOrDefault(kind) - (Idle.GetValueOrDefault(kind) * BusySeconds / IdleSeconds)) / Orders;

    public string Report()
    {
        var kinds = Busy.Keys.Union(Idle.Keys).Select(k => (Kind: k, PerOrder: PerOrder(k))).Where(k => k.PerOrder >= 0.05).OrderByDescending(k => k.PerOrder).ToList();
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"{Orders} one-line orders, one at a time, in {BusySeconds:F1} s; idle rate from {IdleSeconds:F0} s before them ({Idle.Values.Sum() / IdleSeconds:F1} requests/s) taken off");
        text.AppendLine("| storage request | per order |");
        text.AppendLine("|---|---|");
        foreach (var (kind, perOrder) in kinds)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| {kind} | {perOrder:F2} |");
        }

        text.Append(CultureInfo.InvariantCulture, $"| **total** | **{kinds.Sum(k => k.PerOrder):F1}** |");
        return text.ToString();
    }
}
