using System.Globalization;

namespace FuncSync.Bench;

/// <param name="StoragePerOrder">Storage requests of the whole run (from the first order until every order was delivered,
/// idle timers and polls included) per order; null when not counted.</param>
internal sealed record BenchResult(int TargetRate, int Orders, double AchievedRate, IReadOnlyList<double> LatenciesMs, int Lost, int Failed, double? StoragePerOrder = null)
{
    /// <summary>The 99th percentile of the orders accepted in each 10 s of the run, in order.</summary>
    public IReadOnlyList<double> P99By10s { get; init; } = [];

    /// <summary>The slowest of Azurite's own point reads (one every 100 ms) in each 10 s of the run, in order.</summary>
    public IReadOnlyList<double> StorageMaxBy10s { get; init; } = [];

    /// <summary>With storage counted: the most frequent kinds of request, mean ms/count by 10 s of the run.</summary>
    public IReadOnlyList<string> StorageByKind { get; init; } = [];

    /// <summary>The slowest of Azurite's queue peeks (one every 100 ms) in each 10 s of the run, in order.</summary>
    public IReadOnlyList<double> QueueMaxBy10s { get; init; } = [];
}

internal static class BenchReport
{
    public const string Header = "| target orders/s | orders | achieved orders/s | p50 ms | p95 ms | p99 ms | max ms | not delivered | webhook failures | storage requests/order |\n|---|---|---|---|---|---|---|---|---|---|";

    public static string Row(BenchResult r)
    {
        var sorted = r.LatenciesMs.Order().ToArray();
        return string.Create(
            CultureInfo.InvariantCulture,
            $"| {r.TargetRate} | {r.Orders} | {r.AchievedRate:F1} | {Percentile(sorted, 0.50):F1} | {Percentile(sorted, 0.95):F1} | {Percentile(sorted, 0.99):F1} | {(sorted.Length == 0 ? double.NaN : sorted[^1]):F1} | {r.Lost} | {r.Failed} | {(r.StoragePerOrder is { } perOrder ? perOrder.ToString("F1", CultureInfo.InvariantCulture) : "-")} |");
    }

    /// <summary>Nearest-rank percentile.</summary>
    public static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
}
