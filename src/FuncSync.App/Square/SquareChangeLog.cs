using System.Globalization;
using System.Text.Json.Nodes;

namespace FuncSync.Square;

/// <summary>One entry of Square's inventory change log (BatchRetrieveInventoryChanges): an <c>ADJUSTMENT</c> between two
/// states or a <c>PHYSICAL_COUNT</c>, with the application that made it (<c>source</c>), the order behind a sale
/// (<c>transaction_id</c>) and the writer's own <c>reference_id</c>.</summary>
/// <param name="OccurredAt">When it happened (an offline sale: when it was rung up).</param>
/// <param name="CreatedAt">When Square received it (an offline sale: when it was uploaded).</param>
public sealed record SquareInventoryChange(
    string Type,
    string Id,
    string VariationId,
    string LocationId,
    string? FromState,
    string? ToState,
    int Quantity,
    DateTimeOffset? OccurredAt,
    DateTimeOffset? CreatedAt)
{
    public const string Adjustment = "ADJUSTMENT";
    public const string PhysicalCount = "PHYSICAL_COUNT";

    /// <summary>Square's product the change came from (<c>source.product</c>: SQUARE_POS, EXTERNAL_API, ONLINE_STORE, ...).</summary>
    public string? Product { get; init; }

    public string? ApplicationId { get; init; }

    public string? TransactionId { get; init; }

    public string? ReferenceId { get; init; }

    /// <summary>Reads a change, or null when it lacks what every change has (its id, variation, location, quantity).</summary>
    public static SquareInventoryChange? From(JsonNode change)
    {
        var type = (string?)change["type"];
        var detail = type switch
        {
            Adjustment => change["adjustment"],
            PhysicalCount => change["physical_count"],
            _ => null,
        };
        if (detail is null
            || Text(detail["id"]) is not { } id
            || Text(detail["catalog_object_id"]) is not { } variation
            || Text(detail["location_id"]) is not { } location
            || !decimal.TryParse(Text(detail["quantity"]), NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var quantity))
        {
            return null;
        }

        // Fractions (sold by weight) round down, as the POS itself shows them.
        return new SquareInventoryChange(
            type!,
            id,
            variation,
            location,
            Text(detail["from_state"]),
            Text(detail[type == PhysicalCount ? "state" : "to_state"]),
            (int)Math.Floor(Math.Clamp(quantity, int.MinValue, int.MaxValue)),
            Time(detail["occurred_at"]),
            Time(detail["created_at"]))
        {
            Product = Text(detail["source"]?["product"]),
            ApplicationId = Text(detail["source"]?["application_id"]),
            TransactionId = Text(detail["transaction_id"]),
            ReferenceId = Text(detail["reference_id"]),
        };
    }

    private static string? Text(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<string>(out var text) && !string.IsNullOrWhiteSpace(text) ? text : null;

    private static DateTimeOffset? Time(JsonNode? node) =>
        DateTimeOffset.TryParse(Text(node), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : null;
}

/// <summary>What a change in Square's log is to FuncSync.</summary>
public enum SquareChangeKind
{
    /// <summary>FuncSync's own write: already in the ledger.</summary>
    Echo,

    /// <summary>A sale of an order FuncSync imports (an online order, whose order notification also comes): imported
    /// from the order, with the order's event ids, so that whichever path comes first the sale counts once.</summary>
    OrderSale,

    /// <summary>A sale rung up in the Point of Sale app (at once, or offline and uploaded later): no order notification
    /// announces it, so the change itself is the sale, keyed by its id.</summary>
    RegisterSale,

    /// <summary>Anything else (a count at the register or in the Dashboard, waste, a return, a receipt of stock): the
    /// echo-aware level check judges the level after its settling delay.</summary>
    Correction,
}

public static class SquareChangeClassifier
{
    /// <summary>Square's source product for the Point of Sale app.</summary>
    public const string PointOfSale = "SQUARE_POS";

    /// <param name="applicationId">FuncSync's own Square application id, when configured: its writes name it as their source.</param>
    public static SquareChangeKind Classify(SquareInventoryChange change, string? applicationId)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (change.Type == SquareInventoryChange.Adjustment
            && (change.ReferenceId?.StartsWith(SquareInventory.ReferencePrefix, StringComparison.Ordinal) == true
                || (applicationId is { Length: > 0 } && string.Equals(change.ApplicationId, applicationId, StringComparison.Ordinal))))
        {
            return SquareChangeKind.Echo;
        }

        if (change.Type != SquareInventoryChange.Adjustment || change.FromState != "IN_STOCK" || change.ToState != "SOLD" || change.Quantity <= 0)
        {
            return SquareChangeKind.Correction;
        }

        // The POS publishes no order notifications, so its order is nothing FuncSync imports; every other product's sale
        // names the order it comes from, and that order's notification comes too.
        return change.Product == PointOfSale ? SquareChangeKind.RegisterSale
            : change.TransactionId is not null ? SquareChangeKind.OrderSale
            : SquareChangeKind.Correction;
    }
}
