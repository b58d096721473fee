using FuncSync.Catalog;
using FuncSync.Etsy;
using FuncSync.Shopify;

namespace FuncSync.App.Tests.Catalog;

public sealed class SkuMapCsvTests
{
    private const string Header = "sku,title,quantity,shopify_variant_id,shopify_inventory_item_id,shopify_location_id,etsy_listing_id,etsy_sku\n";

    [Fact]
    public void Read_RowWithBothChannels_MapsBoth()
    {
        var rows = SkuMapCsv.Read(new StringReader(Header + "RING-6,\"Silver ring, size 6\",2,41,43,65,15,RING-6\n"));

        var row = Assert.Single(rows);
        Assert.Equal("Silver ring, size 6", row.Mapping.Title);
        Assert.Equal(2, row.Quantity);
        Assert.Equal(new ShopifyListing(41, 43, 65), row.Mapping.Shopify);
        Assert.Equal(new EtsyListing(15, "RING-6"), row.Mapping.Etsy);
    }

    [Fact]
    public void Read_EtsyOnlyWithoutQuantity_MapsEtsyOnly()
    {
        var row = Assert.Single(SkuMapCsv.Read(new StringReader(Header + "MUG,Mug,,,,,15,\n")));

        Assert.Null(row.Mapping.Shopify);
        Assert.Null(row.Quantity);
        Assert.Equal(new EtsyListing(15, string.Empty), row.Mapping.Etsy);
    }

    [Fact]
    public void Read_NonNumericId_NamesRowAndColumn()
    {
        var error = Assert.Throws<FormatException>(() => SkuMapCsv.Read(new StringReader(Header + "MUG,Mug,1,abc,43,65,,\n")));

        Assert.Contains("Row 2", error.Message, StringComparison.Ordinal);
        Assert.Contains("shopify_variant_id", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_VariantWithoutInventoryItem_Rejected()
    {
        var error = Assert.Throws<FormatException>(() => SkuMapCsv.Read(new StringReader(Header + "MUG,Mug,1,41,,65,,\n")));

        Assert.Contains("shopify_inventory_item_id", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_NegativeQuantity_Rejected()
    {
        Assert.Throws<FormatException>(() => SkuMapCsv.Read(new StringReader(Header + "MUG,Mug,-1,,,,15,\n")));
    }

    [Fact]
    public void Read_LeadTimeAndLowStockColumns_KeptOnTheMapping()
    {
        var rows = SkuMapCsv.Read(new StringReader("sku,title,quantity,lead_time_days,low_stock\nCUP,Cup,5,21,2\nBOWL,Bowl,3,,\n"));

        Assert.Equal(21, rows[0].Mapping.LeadTimeDays);
        Assert.Equal(2, rows[0].Mapping.LowStock);
        Assert.Null(rows[1].Mapping.LeadTimeDays);
        Assert.Null(rows[1].Mapping.LowStock);
    }

    [Fact]
    public void Read_NegativeLeadTime_RefusedWithTheRow()
    {
        var error = Assert.Throws<FormatException>(() => SkuMapCsv.Read(new StringReader("sku,title,lead_time_days\nCUP,Cup,-3\n")));

        Assert.Contains("Row 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_SeveralBadRows_EveryOneReportedGoodRowsKept()
    {
        var parsed = SkuMapCsv.Parse(new StringReader(Header + "A,A,1,,,,15,\nB,B,x,,,,16,\nC,C,1,41,,65,,\n"));

        Assert.Equal([(3, "quantity"), (4, "shopify_inventory_item_id")], parsed.Errors.Select(e => (e.Line, e.Column!)));
        Assert.Equal("A", Assert.Single(parsed.Rows).Mapping.Sku);
    }

    [Fact]
    public void Parse_SkuTwice_SecondRowReported()
    {
        var parsed = SkuMapCsv.Parse(new StringReader(Header + "A,A,1,,,,15,\nA,A again,1,,,,16,\n"));

        Assert.Equal((3, "sku"), (Assert.Single(parsed.Errors).Line, parsed.Errors[0].Column!));
    }

    [Fact]
    public void Parse_NoSkuColumn_HeaderReported()
    {
        var parsed = SkuMapCsv.Parse(new StringReader("title,quantity\nMug,1\n"));

        Assert.Equal(1, Assert.Single(parsed.Errors).Line);
    }

    [Fact]
    public void Write_ThenParse_SameMappingsWithoutQuantities()
    {
        SkuMapping[] mappings =
        [
            new("RING", "Ring, silver", [new ShopifyListing(41, 43, 65, 70), new EtsyListing(15, "RING")]),
            new("SET", "Set", [new EtsyListing(16, "SET")], [new Domain.Ledger.Component("RING", 2)]),
        ];
        var text = new StringWriter();

        SkuMapCsv.Write(text, mappings);
        var parsed = SkuMapCsv.Parse(new StringReader(text.ToString()));

        Assert.Empty(parsed.Errors);
        Assert.Equal(mappings.Select(m => m.Shopify), parsed.Rows.Select(r => r.Mapping.Shopify));
        Assert.Equal("RING:2", ComponentList.Format(parsed.Rows[1].Mapping.Parts));
        Assert.All(parsed.Rows, r => Assert.Null(r.Quantity));
    }

    [Fact]
    public void Read_UnitCostColumn_KeptAsDecimalAndOldFilesReadWithout()
    {
        var rows = SkuMapCsv.Read(new StringReader("sku,title,quantity,unit_cost\nCUP,Cup,5,3.105\nBOWL,Bowl,3,\n"));
        var old = SkuMapCsv.Read(new StringReader("sku,title,quantity\nCUP,Cup,5\n"));

        Assert.Equal(3.105m, rows[0].Mapping.UnitCost);
        Assert.Null(rows[1].Mapping.UnitCost);
        Assert.Null(old[0].Mapping.UnitCost);
    }

    [Theory]
    [InlineData("12,50")]
    [InlineData("$3")]
    [InlineData("-1")]
    [InlineData("1e3")]
    [InlineData("2000000")]
    public void Parse_BadUnitCost_RowAndColumnReported(string cost)
    {
        var parsed = SkuMapCsv.Parse(new StringReader($"sku,title,unit_cost\nCUP,Cup,\"{cost}\"\n"));

        var error = Assert.Single(parsed.Errors);
        Assert.Equal((2, "unit_cost"), (error.Line, error.Column));
        Assert.Empty(parsed.Rows);
    }
}
