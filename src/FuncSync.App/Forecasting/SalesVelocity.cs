using FuncSync.Ledger;
using Microsoft.Extensions.Options;

namespace FuncSync.Forecasting;

/// <summary>A SKU's recency-weighted sales, in units a day. The allocation policy's derived protected
/// zone reads it (velocity × channel lag); the forecast and the low-stock alert use the same figure.</summary>
public interface ISalesVelocity
{
    Task<double> PerDayAsync(string sku, CancellationToken cancellationToken);
}

/// <summary>Reads the decayed sales the ledger keeps on the stock row: one point read, no history scan.</summary>
public sealed class LedgerSalesVelocity(LedgerStore ledger, IOptions<ForecastingOptions> options, TimeProvider time) : ISalesVelocity
{
    public async Task<double> PerDayAsync(string sku, CancellationToken cancellationToken) =>
        (await ledger.GetStockAsync(sku, cancellationToken)).Sales.PerDay(time.GetUtcNow(), options.Value.Decay);
}
