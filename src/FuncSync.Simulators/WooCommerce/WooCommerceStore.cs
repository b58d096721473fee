using System.Globalization;
using System.Text.Json.Nodes;

namespace FuncSync.Simulators.WooCommerce;

/// <summary>Something that holds stock: a simple product or a variation of a variable product. WordPress gives both
/// ids from one sequence (they are posts), so a stock holder's id is unique across the two.</summary>
internal sealed class WooStockHolder(long id, long? parentId, string name, string sku)
{
    public long Id { get; } = id;

    /// <summary>The variable product of a variation; null for a simple or variable product itself.</summary>
    public long? ParentId { get; } = parentId;

    public string Name { get; } = name;

    public string Sku { get; set; } = sku;

    public bool IsVariable { get; set; }

    public bool ManageStock { get; set; } = true;

    public int? StockQuantity { get; set; }

    /// <summary><c>no</c>, <c>notify</c> or <c>yes</c>: with backorders allowed the shop sells below zero.</summary>
    public string Backorders { get; set; } = "no";

    public DateTimeOffset Modified { get; set; }

    /// <summary>The active price (WooCommerce's <c>price</c>, a decimal string in the store's currency).</summary>
    public decimal Price { get; set; }

    public string StockStatus => !ManageStock ? "instock" : StockQuantity > 0 ? "instock" : Backorders == "no" ? "outofstock" : "onbackorder";

    public JsonObject ToJson() => new()
    {
        ["id"] = Id,
        ["name"] = Name,
        ["type"] = ParentId is not null ? "variation" : IsVariable ? "variable" : "simple",
        ["parent_id"] = ParentId ?? 0,
        ["sku"] = Sku,
        ["price"] = WooMoney.Format(Price),
        ["regular_price"] = WooMoney.Format(Price),
        ["manage_stock"] = ManageStock,
        ["stock_quantity"] = ManageStock ? StockQuantity : null,
        ["stock_status"] = StockStatus,
        ["backorders"] = Backorders,
        ["backorders_allowed"] = Backorders != "no",
        ["date_modified"] = WooTime.Format(Modified),
        ["date_modified_gmt"] = WooTime.Format(Modified),
    };
}

internal sealed class WooLine(long id, WooStockHolder holder, int quantity, decimal discount)
{
    public long Id { get; } = id;

    public WooStockHolder Holder { get; } = holder;

    public int Quantity { get; } = quantity;

    /// <summary>The unit price when the order was placed: a later price change does not touch the order.</summary>
    public decimal UnitPrice { get; } = holder.Price;

    /// <summary>Before coupons (WooCommerce's line <c>subtotal</c>).</summary>
    public decimal Subtotal => UnitPrice * Quantity;

    /// <summary>After coupons, before tax (the line <c>total</c>); the simulated store charges no tax.</summary>
    public decimal Total => Math.Max(0, Subtotal - discount);

    /// <summary>The <c>_reduced_stock</c> item meta: what the shop took off stock for this line; removed when it is
    /// given back on cancellation.</summary>
    public int? ReducedStock { get; set; }

    /// <summary>The <c>_restock_refunded_items</c> item meta: units refunds put back on stock, summed.</summary>
    public int RestockedRefunded { get; set; }

    public int Refunded { get; set; }

    public JsonObject ToJson()
    {
        var meta = new JsonArray();
        if (ReducedStock is { } reduced)
        {
            meta.Add(Meta(Id * 10, "_reduced_stock", reduced));
        }

        if (RestockedRefunded > 0)
        {
            meta.Add(Meta((Id * 10) + 1, "_restock_refunded_items", RestockedRefunded));
        }

        return new JsonObject
        {
            ["id"] = Id,
            ["name"] = Holder.Name,
            ["product_id"] = Holder.ParentId ?? Holder.Id,
            ["variation_id"] = Holder.ParentId is null ? 0 : Holder.Id,
            ["quantity"] = Quantity,
            ["tax_class"] = string.Empty,
            ["subtotal"] = WooMoney.Format(Subtotal),
            ["subtotal_tax"] = WooMoney.Format(0),
            ["total"] = WooMoney.Format(Total),
            ["total_tax"] = WooMoney.Format(0),
            ["taxes"] = new JsonArray(),
            ["sku"] = Holder.Sku,
            // The unit price after discounts: a number, not a string, in the REST resource.
            ["price"] = Quantity > 0 ? decimal.Round(Total / Quantity, 4) : 0m,
            ["meta_data"] = meta,
        };
    }

    // WooCommerce keeps item meta as strings.
    private static JsonObject Meta(long id, string key, int value) =>
        new() { ["id"] = id, ["key"] = key, ["value"] = value.ToString(CultureInfo.InvariantCulture), ["display_key"] = key, ["display_value"] = value.ToString(CultureInfo.InvariantCulture) };
}

internal sealed class WooRefund(long id, DateTimeOffset created, IReadOnlyList<(WooLine Line, int Quantity)> lines, bool restocked)
{
    public long Id { get; } = id;

    public DateTimeOffset Created { get; } = created;

    public IReadOnlyList<(WooLine Line, int Quantity)> Lines { get; } = lines;

    public bool Restocked { get; } = restocked;
}

internal sealed class WooOrder(long id, DateTimeOffset created, IReadOnlyList<WooLine> lines, string currency)
{
    public long Id { get; } = id;

    /// <summary>The store's currency when the order was placed (ISO 4217).</summary>
    public string Currency { get; } = currency;

    /// <summary><c>pending</c>, <c>processing</c>, <c>on-hold</c>, <c>completed</c>, <c>cancelled</c>, <c>refunded</c>.</summary>
    public string Status { get; set; } = "pending";

    public DateTimeOffset Created { get; } = created;

    public DateTimeOffset Modified { get; set; } = created;

    public DateTimeOffset? Paid { get; set; }

    public IReadOnlyList<WooLine> Lines { get; } = lines;

    public List<WooRefund> Refunds { get; } = [];

    public JsonObject ToJson() => new()
    {
        ["id"] = Id,
        ["number"] = Id.ToString(CultureInfo.InvariantCulture),
        ["status"] = Status,
        ["currency"] = Currency,
        ["prices_include_tax"] = false,
        ["discount_total"] = WooMoney.Format(Lines.Sum(l => l.Subtotal - l.Total)),
        ["discount_tax"] = WooMoney.Format(0),
        ["shipping_total"] = WooMoney.Format(0),
        ["shipping_tax"] = WooMoney.Format(0),
        ["cart_tax"] = WooMoney.Format(0),
        ["total"] = WooMoney.Format(Lines.Sum(l => l.Total)),
        ["total_tax"] = WooMoney.Format(0),
        ["date_created"] = WooTime.Format(Created),
        ["date_created_gmt"] = WooTime.Format(Created),
        ["date_modified"] = WooTime.Format(Modified),
        ["date_modified_gmt"] = WooTime.Format(Modified),
        ["date_paid"] = Paid is { } paid ? WooTime.Format(paid) : null,
        ["date_paid_gmt"] = Paid is { } paidGmt ? WooTime.Format(paidGmt) : null,
        ["line_items"] = new JsonArray([.. Lines.Select(l => (JsonNode)l.ToJson())]),
        ["refunds"] = new JsonArray([.. Refunds.Select(r => (JsonNode)new JsonObject { ["id"] = r.Id, ["reason"] = string.Empty, ["total"] = "-0.00" })]),
    };
}

/// <summary>WooCommerce's REST amounts: decimal strings with the store's two decimals (<c>wc_format_decimal</c>).</summary>
internal static class WooMoney
{
    public static string Format(decimal amount) => decimal.Round(amount, 2).ToString("0.00", CultureInfo.InvariantCulture);
}

/// <summary>WooCommerce's REST dates: ISO 8601 without an offset, to the second (the <c>_gmt</c> fields in UTC; the
/// simulated site's timezone is UTC, so the local ones read the same).</summary>
internal static class WooTime
{
    public static string Format(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);

    public static DateTimeOffset Truncate(DateTimeOffset at) => DateTimeOffset.FromUnixTimeSeconds(at.ToUnixTimeSeconds());

    public static bool TryParse(string? text, out DateTimeOffset at) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out at);
}
