using System.Text.Json.Nodes;
using FuncSync.Etsy;
using FuncSync.Push;

namespace FuncSync.App.Tests.Etsy;

public sealed class EtsyUpdateRequestTests
{
    private const string Inventory = """
        {"products":[
          {"product_id":11,"sku":"RING-6","is_deleted":false,
           "offerings":[{"offering_id":21,"quantity":1,"is_enabled":true,"is_deleted":false,"price":{"amount":4200,"divisor":100,"currency_code":"USD"},"readiness_state_id":77}],
           "property_values":[{"property_id":100,"property_name":"Ring size","scale_id":null,"scale_name":null,"value_ids":[1000],"values":["6"]}]},
          {"product_id":12,"sku":"RING-7","is_deleted":false,
           "offerings":[{"offering_id":22,"quantity":2,"is_enabled":false,"is_deleted":false,"price":{"amount":4550,"divisor":100,"currency_code":"USD"},"readiness_state_id":77}],
           "property_values":[{"property_id":100,"property_name":"Ring size","scale_id":null,"scale_name":null,"value_ids":[1001],"values":["7"]}]}],
         "price_on_property":[],"quantity_on_property":[100],"sku_on_property":[100],"readiness_state_on_property":[],"listing":null}
        """;

    [Fact]
    public void ToUpdateRequest_ChangesOnlyTheTargetQuantity()
    {
        var request = EtsyInventory.ToUpdateRequest(Parse(), new EtsyListing(1, "RING-7"), 5);

        var products = request["products"]!.AsArray();
        Assert.Equal(2, products.Count);
        Assert.Equal(1, (int)products[0]!["offerings"]![0]!["quantity"]!);
        Assert.Equal(5, (int)products[1]!["offerings"]![0]!["quantity"]!);
    }

    [Fact]
    public void ToUpdateRequest_StripsReadOnlyFieldsAndConvertsPrices()
    {
        var request = EtsyInventory.ToUpdateRequest(Parse(), new EtsyListing(1, "RING-6"), 0);

        var text = request.ToJsonString();
        foreach (var readOnly in new[] { "product_id", "offering_id", "is_deleted", "scale_name", "currency_code", "\"listing\"" })
        {
            Assert.DoesNotContain(readOnly, text, StringComparison.Ordinal);
        }

        var product = request["products"]![1]!;
        Assert.Equal(45.50m, (decimal)product["offerings"]![0]!["price"]!);
        Assert.False((bool)product["offerings"]![0]!["is_enabled"]!);
        Assert.Equal(77, (int)product["offerings"]![0]!["readiness_state_id"]!);
        Assert.Equal("7", (string)product["property_values"]![0]!["values"]![0]!);
        Assert.Equal(100, (int)request["sku_on_property"]![0]!);
    }

    [Fact]
    public void ToUpdateRequest_UnknownSku_ClearError()
    {
        var error = Assert.Throws<ChannelRequestException>(() => EtsyInventory.ToUpdateRequest(Parse(), new EtsyListing(1, "RING-9"), 1));

        Assert.Contains("RING-9", error.Message, StringComparison.Ordinal);
    }

    private static JsonObject Parse() => JsonNode.Parse(Inventory)!.AsObject();
}
