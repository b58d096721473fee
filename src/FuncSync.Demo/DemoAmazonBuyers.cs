using FuncSync.Amazon;
using FuncSync.Simulators.Amazon;

namespace FuncSync.Demo;

/// <summary>Simulated Amazon buyers: every so often one orders a merchant-fulfilled item (Amazon sends
/// <c>ORDER_CHANGE</c> to the seller's SQS queue, and the order shows in the Orders API two minutes later); now and then
/// a buyer asks to cancel, which FuncSync alerts, and the seller cancels a minute later.</summary>
internal sealed class DemoAmazonBuyers(AmazonSimulator amazon, DemoCatalog catalog, TimeProvider time, ILogger logger)
{
    // Seeded: the demo tells the same story every run.
    private readonly Random _random = new(2028);

    public async Task RunAsync(CancellationToken stopping)
    {
        string? toCancel = null;
        while (!stopping.IsCancellationRequested)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(_random.Next(20_000, 45_000)), time, stopping);
            if (toCancel is not null)
            {
                amazon.CancelOrder(toCancel);
                logger.LogInformation("Demo Amazon: the seller cancelled order {Order} as its buyer asked", toCancel);
                toCancel = null;
                continue;
            }

            var candidates = catalog.Rows.Where(r => r.Mapping.Amazon is { } a && amazon.GetQuantity(a.SellerSku) > 0).ToList();
            if (candidates.Count == 0)
            {
                continue;
            }

            var row = candidates[_random.Next(candidates.Count)];
            var order = amazon.PlaceOrder([(row.Mapping.Amazon!.SellerSku, 1)]);
            logger.LogInformation("Demo Amazon: a buyer ordered {Sku} (order {Order})", row.Mapping.Sku, order);
            if (_random.Next(6) == 0)
            {
                amazon.RequestCancellation(order);
                toCancel = order;
                logger.LogInformation("Demo Amazon: the buyer of order {Order} asked to cancel it", order);
            }
        }
    }
}
