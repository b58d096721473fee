using FuncSync.Square;
using FuncSync.Simulators.Square;

namespace FuncSync.Demo;

/// <summary>A simulated market stall on Square beside the online shops: every so often a customer buys at the register,
/// which Square reports only as a count change; now and then the card reader loses its connection, and the sales made
/// meanwhile reach Square (and FuncSync) when it comes back.</summary>
internal sealed class DemoStall(SquareSimulator square, DemoCatalog catalog, TimeProvider time, ILogger logger)
{
    public const string Location = "LSTALL000000B";

    // Seeded: the demo tells the same story every run.
    private readonly Random _random = new(2027);

    public async Task RunAsync(CancellationToken stopping)
    {
        var offline = 0;
        while (!stopping.IsCancellationRequested)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(_random.Next(6_000, 15_000)), time, stopping);
            var candidates = catalog.Rows
                .Where(r => r.Mapping.Square is { } s && square.GetCount(s.VariationId, Location) - offline > 0)
                .ToList();
            if (offline > 0 && _random.Next(3) == 0)
            {
                await square.UploadOfflineSalesAsync(stopping);
                logger.LogInformation("Demo stall: the card reader is back online; {Count} offline sales uploaded to Square", offline);
                offline = 0;
                continue;
            }

            if (candidates.Count == 0)
            {
                continue;
            }

            var row = candidates[_random.Next(candidates.Count)];
            var variation = row.Mapping.Square!.VariationId;
            if (_random.Next(5) == 0)
            {
                square.SellOffline(variation, Location);
                offline++;
                logger.LogInformation("Demo stall: sold {Sku} at the register while offline (Square hears of it later)", row.Mapping.Sku);
            }
            else
            {
                var status = await square.SellAtRegisterAsync(variation, Location, 1, stopping);
                logger.LogInformation("Demo stall: sold {Sku} at the register (Square's count notification answered {Status})", row.Mapping.Sku, status);
            }
        }
    }
}
