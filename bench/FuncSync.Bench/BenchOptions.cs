using System.Globalization;

namespace FuncSync.Bench;

/// <param name="CountStorage">Also count the storage requests of each run, per order (<c>--count-storage yes</c>): off by
/// default, since listening to every HTTP request of the process costs the run a little.</param>
internal sealed record BenchOptions(IReadOnlyList<int> Rates, int Seconds, int EtsyQueriesPerSecond, int Skus, bool CountStorage = false)
{
    public static BenchOptions Parse(string[] args)
    {
        var rates = new List<int> { 10, 50 };
        var seconds = 20;
        var etsyQps = 1000;
        var skus = 400;
        var countStorage = false;
        for (var i = 0; i < args.Length - 1; i += 2)
        {
            var value = args[i + 1];
            switch (args[i])
            {
                case "--rates":
                    rates = value.Split(',').Select(v => int.Parse(v, CultureInfo.InvariantCulture)).ToList();
                    break;
                case "--seconds":
                    seconds = int.Parse(value, CultureInfo.InvariantCulture);
                    break;
                case "--etsy-qps":
                    etsyQps = int.Parse(value, CultureInfo.InvariantCulture);
                    break;
                case "--skus":
                    skus = int.Parse(value, CultureInfo.InvariantCulture);
                    break;
                case "--count-storage":
                    countStorage = value is "yes" or "true";
                    break;
                default:
                    throw new ArgumentException($"Unknown option {args[i]}. Options: --rates 10,50 --seconds 20 --etsy-qps 1000 --skus 400 --count-storage yes");
            }
        }

        return new BenchOptions(rates, seconds, etsyQps, skus, countStorage);
    }
}
