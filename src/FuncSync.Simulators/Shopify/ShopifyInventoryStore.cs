using System.Text.Json;
using System.Text.Json.Nodes;
using FuncSync.Simulators.Hosting;

namespace FuncSync.Simulators.Shopify;

internal sealed record ShopifyVariant(long ProductId, long VariantId, long InventoryItemId, long LocationId, string Sku, string Title)
{
    /// <summary>"Track quantity" in the admin (<c>InventoryItem.tracked</c>): off, Shopify sells the variant whatever its count.</summary>
    public bool Tracked { get; init; } = true;

    /// <summary><c>DENY</c>, or <c>CONTINUE</c> ("Continue selling when out of stock").</summary>
    public string InventoryPolicy { get; init; } = "DENY";

    /// <summary>The variant's price in the shop's currency: what an order line charges per unit.</summary>
    public decimal Price { get; init; } = ShopifyVariantDefaults.Price;
}

internal static class ShopifyVariantDefaults
{
    /// <summary>A variant's price until a test or the demo sets one.</summary>
    public const decimal Price = 25.00m;
}

internal sealed record ShopifyQuantityInput(long InventoryItemId, long LocationId, int Quantity, int? ChangeFromQuantity);

internal sealed record ShopifySetQuantitiesInput(string Name, string Reason, string? ReferenceDocumentUri, IReadOnlyList<ShopifyQuantityInput> Quantities)
{
    public const int MaxQuantities = 250;

    /// <summary>Reads the mutation's <c>input</c> variable; shape errors are request-level errors, as GraphQL input coercion makes them.</summary>
    public static ShopifySetQuantitiesInput Parse(JsonNode? input)
    {
        if (input is not JsonObject obj)
        {
            throw Invalid("input", "Expected an InventorySetQuantitiesInput object");
        }

        var name = ReadString(obj, "name", "input.name");
        var reason = ReadString(obj, "reason", "input.reason");
        var reference = obj["referenceDocumentUri"]?.GetValue<string>();
        if (obj["quantities"] is not JsonArray quantities)
        {
            throw Invalid("input.quantities", "Expected value to not be null");
        }

        if (quantities.Count > MaxQuantities)
        {
            throw new ShopifyGraphQlException(
                $"The input array size of {quantities.Count} is greater than the maximum allowed of {MaxQuantities}.", "MAX_INPUT_SIZE_EXCEEDED");
        }

        var parsed = new List<ShopifyQuantityInput>(quantities.Count);
        for (var i = 0; i < quantities.Count; i++)
        {
            var path = $"input.quantities.{i}";
            if (quantities[i] is not JsonObject q)
            {
                throw Invalid(path, "Expected an InventoryQuantityInput object");
            }

            var item = ShopifyGid.Parse(ReadString(q, "inventoryItemId", path + ".inventoryItemId"), "InventoryItem", "input");
            var location = ShopifyGid.Parse(ReadString(q, "locationId", path + ".locationId"), "Location", "input");
            var quantity = ReadInt(q["quantity"], path + ".quantity")
                ?? throw Invalid(path + ".quantity", "Expected value to not be null");

            // Since 2026-04 the field is mandatory but nullable: an explicit null opts out of the compare-and-swap.
            if (!q.TryGetPropertyValue("changeFromQuantity", out var changeFromNode))
            {
                throw new ShopifyGraphQlException(
                    $"changeFromQuantity is required for {path} (pass null to skip the check).", "INVALID_VARIABLE");
            }

            parsed.Add(new ShopifyQuantityInput(item, location, quantity, ReadInt(changeFromNode, path + ".changeFromQuantity")));
        }

        return new ShopifySetQuantitiesInput(name, reason, reference, parsed);
    }

    private static string ReadString(JsonObject obj, string property, string path) =>
        obj[property] is JsonValue value && value.GetValueKind() == JsonValueKind.String
            ? value.GetValue<string>()
            : throw Invalid(path, "Expected a String");

    private static int? ReadInt(JsonNode? node, string path)
    {
        if (node is null)
        {
            return null;
        }

        if (node is JsonValue value && value.GetValueKind() == JsonValueKind.Number && value.TryGetValue<int>(out var result))
        {
            return result;
        }

        throw Invalid(path, "Expected an Int");
    }

    private static ShopifyGraphQlException Invalid(string path, string problem) =>
        new($"Variable $input of type InventorySetQuantitiesInput! was provided invalid value for {path} ({problem})", "INVALID_VARIABLE");
}

/// <summary>The shop's variants and inventory levels, plus the idempotency records of past mutations. Thread-safe.</summary>
internal sealed partial class ShopifyInventoryStore
{
    private const int MaxAbsoluteQuantity = 1_000_000_000;

    // The reasons Shopify accepts for inventory changes.
    private static readonly HashSet<string> ValidReasons = new(StringComparer.Ordinal)
    {
        "correction", "cycle_count_available", "damaged", "movement_created", "movement_updated", "movement_received",
        "movement_canceled", "other", "promotion", "quality_control", "received", "reservation_created",
        "reservation_deleted", "reservation_updated", "restock", "safety_stock", "shrinkage",
    };

    private readonly Lock _gate = new();
    private readonly Dictionary<long, ShopifyVariant> _variants = [];
    private readonly HashSet<long> _items = [];
    private readonly HashSet<long> _locations = [];
    private readonly Dictionary<(long Item, long Location), int> _levels = [];
    private readonly Dictionary<string, (string Fingerprint, JsonObject Payload)> _idempotency = new(StringComparer.Ordinal);
    private long _nextAdjustmentGroupId = 90_000_001;

    public void AddVariant(ShopifyVariant variant, int available)
    {
        lock (_gate)
        {
            if (_variants.TryGetValue(variant.VariantId, out var existing) && existing.InventoryItemId != variant.InventoryItemId)
            {
                throw new ArgumentException($"Variant {variant.VariantId} already tracks inventory item {existing.InventoryItemId}.", nameof(variant));
            }

            // The first location added is the one orders are fulfilled from; later calls stock the item elsewhere too.
            _variants.TryAdd(variant.VariantId, variant);
            _items.Add(variant.InventoryItemId);
            _locations.Add(variant.LocationId);
            _levels[(variant.InventoryItemId, variant.LocationId)] = available;
        }
    }

    public int GetAvailable(long inventoryItemId, long locationId)
    {
        lock (_gate)
        {
            return _levels.TryGetValue((inventoryItemId, locationId), out var available)
                ? available
                : throw new KeyNotFoundException($"Inventory item {inventoryItemId} is not stocked at location {locationId}.");
        }
    }

    /// <summary>The read query: null item when unknown, null level when not stocked there.</summary>
    public (bool ItemExists, int? Available) Read(long inventoryItemId, long locationId)
    {
        lock (_gate)
        {
            return (_items.Contains(inventoryItemId),
                _levels.TryGetValue((inventoryItemId, locationId), out var available) ? available : null);
        }
    }

    /// <summary>Every location the item is stocked at, by location id; null when the item is unknown.</summary>
    public IReadOnlyList<(long LocationId, int Available)>? Levels(long inventoryItemId)
    {
        lock (_gate)
        {
            return _items.Contains(inventoryItemId)
                ? [.. _levels.Where(l => l.Key.Item == inventoryItemId).OrderBy(l => l.Key.Location).Select(l => (l.Key.Location, l.Value))]
                : null;
        }
    }

    /// <summary>A person edits "available" in the Shopify admin.</summary>
    public void SetAvailable(long inventoryItemId, long locationId, int available)
    {
        lock (_gate)
        {
            if (!_levels.ContainsKey((inventoryItemId, locationId)))
            {
                throw new KeyNotFoundException($"Inventory item {inventoryItemId} is not stocked at location {locationId}.");
            }

            _levels[(inventoryItemId, locationId)] = available;
        }
    }

    /// <summary>Puts units of a variant back at the location it sells from; returns the new available.</summary>
    public int Restock(long variantId, int quantity)
    {
        lock (_gate)
        {
            var variant = _variants[variantId];
            return _levels[(variant.InventoryItemId, variant.LocationId)] += quantity;
        }
    }

    public ShopifyVariant GetVariant(long variantId)
    {
        lock (_gate)
        {
            return _variants[variantId];
        }
    }

    /// <summary>Changes a variant's tracking and out-of-stock policy, as the admin or a mutation does.</summary>
    public void SetStockSettings(long variantId, bool? tracked, string? inventoryPolicy)
    {
        lock (_gate)
        {
            var variant = _variants[variantId];
            _variants[variantId] = variant with { Tracked = tracked ?? variant.Tracked, InventoryPolicy = inventoryPolicy ?? variant.InventoryPolicy };
        }
    }

    public void SetPrice(long variantId, decimal price)
    {
        lock (_gate)
        {
            _variants[variantId] = _variants[variantId] with { Price = price };
        }
    }

    /// <summary>"Track quantity" belongs to the inventory item: every variant of it follows.</summary>
    public void SetTracked(long inventoryItemId, bool? tracked)
    {
        lock (_gate)
        {
            var variants = _variants.Values.Where(v => v.InventoryItemId == inventoryItemId).ToList();
            if (variants.Count == 0)
            {
                throw new ShopifyGraphQlException($"Inventory item {inventoryItemId} does not exist.", "NOT_FOUND");
            }

            foreach (var variant in variants)
            {
                _variants[variant.VariantId] = variant with { Tracked = tracked ?? variant.Tracked };
            }
        }
    }

    public IReadOnlyList<ShopifyVariant> VariantsOf(long productId)
    {
        lock (_gate)
        {
            return [.. _variants.Values.Where(v => v.ProductId == productId).OrderBy(v => v.VariantId)];
        }
    }

    public void RemoveVariant(long variantId)
    {
        lock (_gate)
        {
            _variants.Remove(variantId);
        }
    }

    /// <summary>
    /// Takes stock for a checkout, all lines or none. Returns the variants sold, or null when any line lacks stock.
    /// </summary>
    public IReadOnlyList<(ShopifyVariant Variant, int Quantity)>? TryTake(IReadOnlyList<(long VariantId, int Quantity)> lines)
    {
        lock (_gate)
        {
            var sold = new List<(ShopifyVariant, int)>(lines.Count);
            var needed = new Dictionary<(long, long), int>();
            foreach (var (variantId, quantity) in lines)
            {
                ArgumentOutOfRangeException.ThrowIfNegativeOrZero(quantity, nameof(lines));
                if (!_variants.TryGetValue(variantId, out var variant))
                {
                    throw new ArgumentException($"Unknown variant {variantId}.", nameof(lines));
                }

                var key = (variant.InventoryItemId, variant.LocationId);
                needed[key] = needed.GetValueOrDefault(key) + quantity;
                sold.Add((variant, quantity));
            }

            if (needed.Any(n => _levels[n.Key] < n.Value))
            {
                return null;
            }

            foreach (var (key, quantity) in needed)
            {
                _levels[key] -= quantity;
            }

            return sold;
        }
    }

    /// <summary>
    /// inventorySetQuantities: validates every quantity first and applies all or nothing; a repeated idempotency key
    /// replays the first answer.
    /// </summary>
    public (JsonObject Payload, IReadOnlyList<ShopifyInventoryChanged> Changed) SetQuantities(
        ShopifySetQuantitiesInput input, string fingerprint, string idempotencyKey, DateTimeOffset now)
    {
        lock (_gate)
        {
            if (_idempotency.TryGetValue(idempotencyKey, out var earlier))
            {
                if (earlier.Fingerprint == fingerprint)
                {
                    return ((JsonObject)earlier.Payload.DeepClone(), []);
                }

                return (Failed(UserError(null, "IDEMPOTENCY_KEY_PARAMETER_MISMATCH",
                    "The same idempotency key cannot be used with different operation parameters.")), []);
            }

            var errors = Validate(input);
            if (errors.Count > 0)
            {
                var failed = Failed([.. errors]);
                _idempotency[idempotencyKey] = (fingerprint, (JsonObject)failed.DeepClone());
                return (failed, []);
            }

            var otherName = input.Name == "available" ? "on_hand" : "available";
            var changes = new JsonArray();
            var changed = new List<ShopifyInventoryChanged>(input.Quantities.Count);
            foreach (var q in input.Quantities)
            {
                var key = (q.InventoryItemId, q.LocationId);
                var delta = q.Quantity - _levels[key];
                _levels[key] = q.Quantity;
                changed.Add(new ShopifyInventoryChanged(q.InventoryItemId, q.LocationId, q.Quantity, now));

                // The simulator tracks no committed or reserved stock, so on_hand moves with available, and Shopify
                // lists both names in the adjustment group.
                changes.Add(Change(input.Name, delta, q.Quantity, q));
                changes.Add(Change(otherName, delta, q.Quantity, q));
            }

            var payload = new JsonObject
            {
                ["inventoryAdjustmentGroup"] = new JsonObject
                {
                    ["id"] = ShopifyGid.Format("InventoryAdjustmentGroup", _nextAdjustmentGroupId++),
                    ["createdAt"] = now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture),
                    ["reason"] = input.Reason,
                    ["referenceDocumentUri"] = input.ReferenceDocumentUri,
                    ["changes"] = changes,
                },
                ["userErrors"] = new JsonArray(),
            };
            _idempotency[idempotencyKey] = (fingerprint, (JsonObject)payload.DeepClone());
            return (payload, changed);
        }
    }

    private List<JsonObject> Validate(ShopifySetQuantitiesInput input)
    {
        var errors = new List<JsonObject>();
        if (input.Name is not ("available" or "on_hand"))
        {
            errors.Add(UserError(["input", "name"], "INVALID_NAME", "The quantity name must be either 'available' or 'on_hand'."));
        }

        if (!ValidReasons.Contains(input.Reason))
        {
            errors.Add(UserError(["input", "reason"], "INVALID_REASON", "The specified reason is invalid."));
        }

        var seen = new HashSet<(long, long)>();
        for (var i = 0; i < input.Quantities.Count; i++)
        {
            var q = input.Quantities[i];
            string[] Field(string name) => ["input", "quantities", i.ToString(System.Globalization.CultureInfo.InvariantCulture), name];

            if (!_items.Contains(q.InventoryItemId))
            {
                errors.Add(UserError(Field("inventoryItemId"), "INVALID_INVENTORY_ITEM", "The specified inventory item could not be found."));
                continue;
            }

            if (!_locations.Contains(q.LocationId))
            {
                errors.Add(UserError(Field("locationId"), "INVALID_LOCATION", "The specified location could not be found."));
                continue;
            }

            if (!_levels.TryGetValue((q.InventoryItemId, q.LocationId), out var current))
            {
                errors.Add(UserError(Field("locationId"), "ITEM_NOT_STOCKED_AT_LOCATION", "The specified inventory item is not stocked at the location."));
                continue;
            }

            if (!seen.Add((q.InventoryItemId, q.LocationId)))
            {
                errors.Add(UserError(Field("inventoryItemId"), "NO_DUPLICATE_INVENTORY_ITEM_ID_GROUP_ID_PAIR",
                    "The combination of inventoryItemId and locationId must be unique."));
            }

            if (q.Quantity > MaxAbsoluteQuantity)
            {
                errors.Add(UserError(Field("quantity"), "INVALID_QUANTITY_TOO_HIGH", "The total quantity can't be higher than 1,000,000,000."));
            }
            else if (q.Quantity < -MaxAbsoluteQuantity)
            {
                errors.Add(UserError(Field("quantity"), "INVALID_QUANTITY_TOO_LOW", "The total quantity can't be lower than -1,000,000,000."));
            }
            else if (q.Quantity < 0 && input.Name == "on_hand")
            {
                errors.Add(UserError(Field("quantity"), "INVALID_QUANTITY_NEGATIVE", "The quantity can't be negative."));
            }

            if (q.ChangeFromQuantity is { } expected && expected != current)
            {
                errors.Add(UserError(Field("changeFromQuantity"), "CHANGE_FROM_QUANTITY_STALE",
                    "The specified compare quantity does not match the current quantity."));
            }
        }

        return errors;
    }

    private static JsonObject Change(string name, int delta, int after, ShopifyQuantityInput q) => new()
    {
        ["name"] = name,
        ["delta"] = delta,
        ["quantityAfterChange"] = after,
        ["item"] = new JsonObject { ["id"] = ShopifyGid.Format("InventoryItem", q.InventoryItemId) },
        ["location"] = new JsonObject { ["id"] = ShopifyGid.Format("Location", q.LocationId) },
    };

    private static JsonObject Failed(params JsonObject[] errors) => new()
    {
        ["inventoryAdjustmentGroup"] = null,
        ["userErrors"] = SimulatorJson.Array(errors),
    };

    private static JsonObject UserError(string[]? field, string code, string message) => new()
    {
        ["code"] = code,
        ["field"] = field is null ? null : SimulatorJson.Array(field.Select(f => (JsonNode?)f)),
        ["message"] = message,
    };
}
