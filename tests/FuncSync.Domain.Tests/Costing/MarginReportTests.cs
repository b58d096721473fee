using FuncSync.Domain.Costing;

namespace FuncSync.Domain.Tests.Costing;

public sealed class MarginReportTests
{
    private static readonly Dictionary<string, MarginSku> Skus = new(StringComparer.Ordinal)
    {
        ["MUG"] = new("Speckled mug", 9.50m, MadeToOrder: false),
        ["RING"] = new("Made-to-order ring", 30m, MadeToOrder: true),
        ["NOCOST"] = new("Vase", null, MadeToOrder: false),
    };

    private static readonly OversellCosts NoOversellCost = new(0, 0, 0, 0);

    private static MarginSku? SkuOf(string sku) => Skus.GetValueOrDefault(sku);

    [Fact]
    public void Monthly_SalesAndAReturn_NetRevenueLessCostOfGoods()
    {
        SoldLine[] sold = [new("2026-11", "MUG", "Etsy", 2, new Money(56m, "GBP"), 0), new("2026-11", "MUG", "Shopify", 1, new Money(26m, "GBP"), 0)];
        RestockedLine[] back = [new("2026-11", "MUG", 1, new Money(28m, "GBP"))];

        var row = Assert.Single(MarginReport.Monthly(sold, back, SkuOf, NoOversellCost));

        Assert.Equal(("2026-11", "MUG", "Speckled mug", "GBP"), (row.Month, row.Sku, row.Title, row.Currency));
        Assert.Equal((3, 1, 2), (row.UnitsSold, row.UnitsBack, row.NetUnits));
        Assert.Equal((82m, 28m, 54m), (row.Revenue, row.Refunded, row.NetRevenue));
        Assert.Equal(19m, row.CostOfGoods);
        Assert.Equal(35m, row.Margin);
        Assert.Equal(64.8m, row.MarginPercent);
    }

    [Fact]
    public void Monthly_Oversold_CostsFeesOnItsPriceTimeAndReputation()
    {
        var costs = new OversellCosts(FeesNotRefundedPercent: 5, SupportMinutes: 20, SupportHourlyRate: 30, ReputationCost: 15);
        SoldLine[] sold = [new("2026-11", "MUG", "Etsy", 2, new Money(60m, "GBP"), Oversold: 1)];

        var row = Assert.Single(MarginReport.Monthly(sold, [], SkuOf, costs));

        // 5 % of the unit's 30, 20 minutes at 30 an hour, 15 of reputation; a stocked mug's materials are not spent.
        Assert.Equal(1.50m + 10m + 15m, row.OversellLoss);
        Assert.Equal(60m - 19m - 26.50m, row.Margin);
    }

    [Fact]
    public void Monthly_MadeToOrderOversold_MaterialsAlreadySpentCountToo()
    {
        SoldLine[] sold = [new("2026-11", "RING", "Shopify", 1, new Money(120m, "USD"), Oversold: 1)];

        var row = Assert.Single(MarginReport.Monthly(sold, [], SkuOf, NoOversellCost));

        Assert.Equal(30m, row.OversellLoss);
    }

    [Fact]
    public void Monthly_LinesWithoutPriceOrCost_KnownFiguresOnlyAndNoMargin()
    {
        SoldLine[] sold =
        [
            new("2026-11", "MUG", "Square", 1, null, 0),
            new("2026-11", "MUG", "Etsy", 1, new Money(28m, "GBP"), 0),
            new("2026-11", "NOCOST", "Etsy", 1, new Money(40m, "GBP"), 0),
            new("2026-10", "MUG", "Etsy", 1, new Money(30m, "USD"), 0),
        ];

        var rows = MarginReport.Monthly(sold, [], SkuOf, NoOversellCost);

        Assert.Equal([("2026-11", "MUG", "GBP"), ("2026-11", "MUG", null), ("2026-11", "NOCOST", "GBP"), ("2026-10", "MUG", "USD")], rows.Select(r => (r.Month, r.Sku, r.Currency)));
        Assert.Null(rows[1].Margin);
        Assert.Equal(9.50m, rows[1].CostOfGoods);
        Assert.Null(rows[2].CostOfGoods);
        Assert.Null(rows[2].Margin);
        Assert.Equal(18.50m, rows[0].Margin);
    }

    [Fact]
    public void Monthly_SkuNoLongerMapped_StillReportedWithoutCost()
    {
        var row = Assert.Single(MarginReport.Monthly([new("2026-11", "GONE", "Etsy", 1, new Money(10m, "EUR"), 0)], [], SkuOf, NoOversellCost));

        Assert.Equal((string.Empty, 10m, (decimal?)null), (row.Title, row.NetRevenue, row.Margin));
    }

    [Theory]
    [InlineData("12.5", "gbp", "12.5", "GBP")]
    [InlineData("-1", "GBP", null, null)]
    [InlineData("12", "£", null, null)]
    [InlineData("12", null, null, null)]
    [InlineData("100000001", "USD", null, null)]
    public void MoneyOf_OnlyAPriceInACurrency(string amount, string? currency, string? expectedAmount, string? expectedCurrency)
    {
        var money = Money.Of(decimal.Parse(amount, System.Globalization.CultureInfo.InvariantCulture), currency);

        Assert.Equal(expectedAmount is null ? null : decimal.Parse(expectedAmount, System.Globalization.CultureInfo.InvariantCulture), money?.Amount);
        Assert.Equal(expectedCurrency, money?.Currency);
    }

    [Theory]
    [InlineData("12.50", "USD", "12.50")]
    [InlineData("-3.20", "USD", null)]
    [InlineData("1,250.00", "USD", null)]
    [InlineData("12,50", "EUR", null)]
    [InlineData("", "USD", null)]
    [InlineData(null, "USD", null)]
    public void MoneyParse_ChannelsDecimalStringsOnly(string? amount, string currency, string? expected) =>
        Assert.Equal(expected is null ? null : new Money(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), currency), Money.Parse(amount, currency));

    [Theory]
    [InlineData(-1, 0, 0, 0)]
    [InlineData(0, 601, 0, 0)]
    [InlineData(0, 0, 10_001, 0)]
    [InlineData(0, 0, 0, 100_001)]
    public void OversellCosts_OutOfRange_Refused(int fees, int minutes, int rate, int reputation) =>
        Assert.NotNull(new OversellCosts(fees, minutes, rate, reputation).Validate());
}
