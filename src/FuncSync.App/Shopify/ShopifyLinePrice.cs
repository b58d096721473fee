using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using FuncSync.Domain.Costing;

namespace FuncSync.Shopify;

/// <summary>What the buyer paid for an order line, before tax and shipping and after the line's own discounts, in the
/// shop's currency: the margin report's revenue. The orders poll reads it as GraphQL's <c>discountedTotalSet</c>, which
/// Shopify documents as the line's total after discounts, without order-level discounts; the REST payloads of the
/// webhooks give the pieces, <c>price</c> (per unit, before discounts) times <c>quantity</c>, less the line's
/// <c>discount_allocations</c> that are not an order-level discount's share. Either way a sale reaches the ledger with the
/// same figure, whichever of the two brings it. A price that is missing or does not read is no price (null), never a
/// failed payload: the sale still counts, the margin report just lacks its revenue.</summary>
public static class ShopifyLinePrice
{
    public static Money? Of(ShopifyOrder order, ShopifyLineItem line)
    {
        ArgumentNullException.ThrowIfNull(order);
        ArgumentNullException.ThrowIfNull(line);
        if (line.DiscountedTotal is { } polled)
        {
            return polled;
        }

        if (line.Price is not { } unit || line.Quantity <= 0 || Discount(order, line) is not { } discount)
        {
            return null;
        }

        return Money.Of((unit * line.Quantity) - discount, order.Currency);
    }

    /// <summary>The sum of the line's allocations that are its own (null when they do not read): an allocation from an
    /// order-level discount, one allocated across all of the order's lines (<c>target_type</c> <c>line_item</c>,
    /// <c>target_selection</c> <c>all</c>), is left out, as GraphQL's <c>discountedTotalSet</c> leaves it out.</summary>
    private static decimal? Discount(ShopifyOrder order, ShopifyLineItem line)
    {
        if (line.DiscountAllocations is not { ValueKind: not JsonValueKind.Null } allocations)
        {
            return 0m;
        }

        if (allocations.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        var total = 0m;
        foreach (var allocation in allocations.EnumerateArray())
        {
            if (allocation.ValueKind != JsonValueKind.Object
                || !allocation.TryGetProperty("amount", out var amountValue)
                || Amount(amountValue) is not { } amount)
            {
                return null;
            }

            if (!IsOrderLevel(order, allocation))
            {
                total += amount;
            }
        }

        return total;
    }

    private static bool IsOrderLevel(ShopifyOrder order, JsonElement allocation)
    {
        if (!allocation.TryGetProperty("discount_application_index", out var indexValue)
            || indexValue.ValueKind != JsonValueKind.Number
            || !indexValue.TryGetInt32(out var index)
            || order.DiscountApplications is not { ValueKind: JsonValueKind.Array } applications
            || index < 0 || index >= applications.GetArrayLength())
        {
            // An allocation whose discount cannot be found is taken as the line's own: a revenue a little low rather than
            // one a discount too high.
            return false;
        }

        var application = applications[index];
        return application.ValueKind == JsonValueKind.Object
            && Text(application, "target_type") == "line_item"
            && Text(application, "target_selection") == "all";
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>Shopify writes amounts as strings ("9.99"); a number is read too.</summary>
    internal static decimal? Amount(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => Money.ParseAmount(value.GetString()),
        JsonValueKind.Number when value.TryGetDecimal(out var number) => number,
        _ => null,
    };
}

/// <summary>Reads an amount Shopify writes as a string ("199.00"), or a number; anything else is no amount rather than
/// a refused payload.</summary>
internal sealed class ShopifyLenientAmountConverter : JsonConverter<decimal?>
{
    public override bool HandleNull => true;

    public override decimal? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                return Money.ParseAmount(reader.GetString());
            case JsonTokenType.Number:
                return reader.TryGetDecimal(out var number) ? number : null;
            default:
                reader.Skip();
                return null;
        }
    }

    public override void Write(Utf8JsonWriter writer, decimal? value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (value is { } amount)
        {
            writer.WriteStringValue(amount.ToString(CultureInfo.InvariantCulture));
        }
        else
        {
            writer.WriteNullValue();
        }
    }
}

/// <summary>Reads a string; any other value is null rather than a refused payload.</summary>
internal sealed class ShopifyLenientTextConverter : JsonConverter<string?>
{
    public override bool HandleNull => true;

    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            return reader.GetString();
        }

        reader.Skip();
        return null;
    }

    public override void Write(Utf8JsonWriter writer, string? value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(value);
    }
}
