using FuncSync.Simulators.WooCommerce;
using FuncSync.WooCommerce;

namespace FuncSync.Demo;

/// <summary>A simulated WooCommerce website beside the marketplaces: now and then a buyer checks out, some pay later
/// by bank transfer, some never pay (the shop cancels them after "Hold stock"), a paid order is cancelled now and
/// then; a fifth of the webhook deliveries never leave the site, so the orders poll brings those.</summary>
internal sealed class DemoWebsite(WooCommerceSimulator woo, DemoCatalog catalog, TimeProvider time, ILogger logger)
{
    // Seeded: the demo tells the same story every run.
    private readonly Random _random = new(2028);
    private readonly List<long> _unpaid = [];
    private readonly List<long> _paid = [];

    public async Task RunAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(_random.Next(10_000, 25_000)), time, stopping);
            await woo.RunCronAsync(stopping);
            var roll = _random.Next(10);
            if (roll == 0 && _unpaid.Count > 0)
            {
                var order = _unpaid[0];
                _unpaid.RemoveAt(0);
                await woo.PayAsync(order, stopping);
                _paid.Add(order);
                logger.LogInformation("Demo website: the bank transfer for order #{Order} arrived; WooCommerce takes the stock now", order);
                continue;
            }

            if (roll == 1 && _paid.Count > 0)
            {
                var order = _paid[_random.Next(_paid.Count)];
                _paid.Remove(order);
                await woo.CancelAsync(order, stopping);
                logger.LogInformation("Demo website: order #{Order} cancelled; WooCommerce puts its stock back", order);
                continue;
            }

            var candidates = catalog.Rows.Where(r => r.Mapping.WooCommerce is { } w && woo.GetStock(w.StockId) > 0).ToList();
            if (candidates.Count == 0)
            {
                continue;
            }

            var row = candidates[_random.Next(candidates.Count)];
            var pay = roll != 2;
            try
            {
                var order = await woo.CheckoutAsync([(row.Mapping.WooCommerce!.StockId, 1)], pay, stopping);
                (pay ? _paid : _unpaid).Add(order);
                logger.LogInformation("Demo website: order #{Order} for {Sku} ({State})", order, row.Mapping.Sku, pay ? "paid" : "awaiting a bank transfer");
            }
            catch (InvalidOperationException ex)
            {
                // Another buyer's unpaid order holds the last unit.
                logger.LogInformation("Demo website: checkout of {Sku} refused: {Reason}", row.Mapping.Sku, ex.Message);
            }
        }
    }
}
