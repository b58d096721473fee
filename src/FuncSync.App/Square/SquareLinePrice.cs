using System.Text.Json.Nodes;
using FuncSync.Domain.Costing;

namespace FuncSync.Square;

/// <summary>What the buyer paid for a Square order line, before tax and after the line's discounts: the line's
/// <c>gross_sales_money</c> ((base price + modifiers) × quantity) less its <c>total_discount_money</c> (its own discounts
/// and its share of the order's, which Square applies to each line). Not <c>total_money</c>, which adds the tax. Money
/// is in the currency's smallest unit (cents for USD). A line whose money is missing or does not read has no price
/// (null): the sale still counts. (Where VAT is included in prices outside the US, Canada and Japan, Square counts the
/// tax inside gross sales, so there the figure includes it.)</summary>
public static class SquareLinePrice
{
    public static Money? Of(JsonNode? line)
    {
        if (Read(line?["gross_sales_money"]) is not { } gross)
        {
            return null;
        }

        var discount = line!["total_discount_money"] is null ? (0m, gross.Currency) : Read(line["total_discount_money"]);
        return discount is { } off && string.Equals(off.Currency, gross.Currency, StringComparison.Ordinal)
            ? Money.Of(gross.Amount - off.Amount, gross.Currency)
            : null;
    }

    /// <summary>The part of the order's lines of <paramref name="variationId"/> that <paramref name="units"/> units stand
    /// for: what a register sale's adjustment of that many units was paid, from the order it names.</summary>
    public static Money? ForUnits(JsonNode? order, string variationId, int units)
    {
        var (paid, quantity, currency) = (0m, 0, (string?)null);
        foreach (var line in order?["line_items"]?.AsArray() ?? [])
        {
            if (line?["catalog_object_id"] is not JsonValue id || !id.TryGetValue<string>(out var lineVariation)
                || !string.Equals(lineVariation, variationId, StringComparison.Ordinal))
            {
                continue;
            }

            if (Of(line) is not { } total
                || line["quantity"] is not JsonValue q || !q.TryGetValue<string>(out var text)
                || !int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var lineQuantity)
                || (currency is not null && currency != total.Currency))
            {
                return null;
            }

            (paid, quantity, currency) = (paid + total.Amount, quantity + lineQuantity, total.Currency);
        }

        return quantity > 0 && units > 0 ? Money.Of(decimal.Round(paid * units / quantity, 2), currency) : null;
    }

    private static (decimal Amount, string Currency)? Read(JsonNode? money)
    {
        if (money is not JsonObject value
            || value["amount"] is not JsonValue amountValue || !amountValue.TryGetValue<long>(out var minor)
            || value["currency"] is not JsonValue currencyValue || !currencyValue.TryGetValue<string>(out var currency)
            || currency.Length != 3)
        {
            return null;
        }

        return ((decimal)minor / MinorUnits(currency), currency);
    }

    /// <summary>How many of the smallest unit make one of the currency (ISO 4217's exponent): 100 for most, 1 for the
    /// yen and the other currencies without decimals, 1,000 for the dinars with three.</summary>
    private static decimal MinorUnits(string currency) => currency.ToUpperInvariant() switch
    {
        "JPY" or "KRW" or "CLP" or "ISK" or "VND" or "PYG" or "UGX" or "XAF" or "XOF" or "XPF" or "RWF" or "KMF" or "GNF" or "DJF" or "BIF" or "VUV" => 1m,
        "BHD" or "IQD" or "JOD" or "KWD" or "LYD" or "OMR" or "TND" => 1000m,
        _ => 100m,
    };
}
