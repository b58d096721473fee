using FuncSync.Domain.Costing;
using FuncSync.Testing;

namespace FuncSync.App.Tests.Infrastructure;

/// <summary>The ledger's order lines (the margin report's input) as a test reads them.</summary>
internal static class OrderLineCalls
{
    // Every month the test's ledger can hold: each test has a fresh shop.
    private const string AllMonths = "2000-01";

    /// <summary>Waits until the ledger keeps a sold line of <paramref name="sku"/>, and answers it.</summary>
    public static async Task<SoldLine> SoldLineEventuallyAsync(this FuncSyncTestApp app, string sku, string because)
    {
        SoldLine? found = null;
        await Eventually.WaitAsync(
            async () =>
            {
                found = (await app.Ledger.ListOrderLinesAsync(AllMonths, CancellationToken.None)).Sold.FirstOrDefault(l => l.Sku == sku);
                return found is not null;
            },
            TimeSpan.FromSeconds(30),
            because);
        return found!;
    }
}
