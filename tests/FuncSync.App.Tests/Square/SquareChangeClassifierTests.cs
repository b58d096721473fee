using System.Text.Json.Nodes;
using FuncSync.Square;

namespace FuncSync.App.Tests.Square;

public sealed class SquareChangeClassifierTests
{
    private const string FuncSyncApp = "sq0idp-FuncSync";

    [Fact]
    public void Classify_FuncSyncsAdjustment_ByReferenceOrApplication_Echo()
    {
        var byReference = Change(Adjustment("IN_STOCK", "SOLD", "EXTERNAL_API", application: "sq0idp-Other", reference: SquareInventory.ReferencePrefix + "SKU-1"));
        var byApplication = Change(Adjustment("NONE", "IN_STOCK", "EXTERNAL_API", application: FuncSyncApp));

        Assert.Equal(SquareChangeKind.Echo, SquareChangeClassifier.Classify(byReference, null));
        Assert.Equal(SquareChangeKind.Echo, SquareChangeClassifier.Classify(byApplication, FuncSyncApp));
        // Without FuncSync's application id configured, another write by the same application is not taken for an echo.
        Assert.Equal(SquareChangeKind.Correction, SquareChangeClassifier.Classify(byApplication, null));
    }

    [Fact]
    public void Classify_SaleAtTheRegister_RegisterSaleEvenWithItsOrderId()
    {
        var sale = Change(Adjustment("IN_STOCK", "SOLD", "SQUARE_POS", transaction: "POSORDER1"));

        Assert.Equal(SquareChangeKind.RegisterSale, SquareChangeClassifier.Classify(sale, FuncSyncApp));
        Assert.Equal("POSORDER1", sale.TransactionId);
        Assert.Equal(2, sale.Quantity);
    }

    [Fact]
    public void Classify_OnlineSaleNamingItsOrder_OrderSale_WithoutOrder_Correction()
    {
        Assert.Equal(SquareChangeKind.OrderSale, SquareChangeClassifier.Classify(Change(Adjustment("IN_STOCK", "SOLD", "ONLINE_STORE", transaction: "ORDER1")), FuncSyncApp));
        Assert.Equal(SquareChangeKind.Correction, SquareChangeClassifier.Classify(Change(Adjustment("IN_STOCK", "SOLD", "DASHBOARD")), FuncSyncApp));
    }

    [Fact]
    public void Classify_CountsWasteAndReturns_Correction()
    {
        var count = Change(new JsonObject
        {
            ["type"] = "PHYSICAL_COUNT",
            ["physical_count"] = Detail("SQUARE_POS", null, null, null, null, new JsonObject { ["state"] = "IN_STOCK" }),
        });

        Assert.Equal(SquareChangeKind.Correction, SquareChangeClassifier.Classify(count, FuncSyncApp));
        Assert.Equal(SquareChangeKind.Correction, SquareChangeClassifier.Classify(Change(Adjustment("IN_STOCK", "WASTE", "SQUARE_POS")), FuncSyncApp));
        Assert.Equal(SquareChangeKind.Correction, SquareChangeClassifier.Classify(Change(Adjustment("SOLD", "IN_STOCK", "SQUARE_POS", transaction: "POSORDER1")), FuncSyncApp));
    }

    [Fact]
    public void From_ChangeWithoutId_Null()
    {
        var change = Adjustment("IN_STOCK", "SOLD", "SQUARE_POS");
        change["adjustment"]!.AsObject().Remove("id");

        Assert.Null(SquareInventoryChange.From(change));
    }

    private static SquareInventoryChange Change(JsonObject json) => SquareInventoryChange.From(json) ?? throw new InvalidOperationException("The change does not read.");

    private static JsonObject Adjustment(string from, string to, string product, string? application = null, string? reference = null, string? transaction = null) => new()
    {
        ["type"] = "ADJUSTMENT",
        ["adjustment"] = Detail(product, application, reference, transaction, null, new JsonObject { ["from_state"] = from, ["to_state"] = to }),
    };

    private static JsonObject Detail(string product, string? application, string? reference, string? transaction, string? name, JsonObject states)
    {
        var source = new JsonObject { ["product"] = product };
        if (application is not null)
        {
            source["application_id"] = application;
        }

        if (name is not null)
        {
            source["name"] = name;
        }

        var detail = new JsonObject
        {
            ["id"] = "ADJ" + product,
            ["catalog_object_id"] = "VAR1",
            ["catalog_object_type"] = "ITEM_VARIATION",
            ["location_id"] = "LSTALL",
            ["quantity"] = "2",
            ["occurred_at"] = "2026-05-01T12:00:00.000Z",
            ["created_at"] = "2026-05-01T12:00:01.000Z",
            ["source"] = source,
        };
        foreach (var (key, value) in states)
        {
            detail[key] = value?.DeepClone();
        }

        if (reference is not null)
        {
            detail["reference_id"] = reference;
        }

        if (transaction is not null)
        {
            detail["transaction_id"] = transaction;
        }

        return detail;
    }
}
