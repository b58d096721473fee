using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FuncSync.Simulators.Etsy;

internal sealed record EtsyProductUpdate(
    string Sku, IReadOnlyList<EtsySimPropertyValue> PropertyValues, long PriceMinor, int Quantity, bool IsEnabled, long? ReadinessStateId)
{
    public string VariationKey => EtsyVariation.Key(PropertyValues);
}

/// <summary>
/// The body of <c>PUT /v3/application/listings/{listing_id}/inventory</c>, validated the way Etsy validates it.
/// The PUT replaces the whole inventory, so the simulator also refuses one that would drop a variation.
/// </summary>
internal sealed record EtsyInventoryUpdate(
    IReadOnlyList<EtsyProductUpdate> Products,
    IReadOnlyList<long> PriceOnProperty,
    IReadOnlyList<long> QuantityOnProperty,
    IReadOnlyList<long> SkuOnProperty,
    IReadOnlyList<long> ReadinessStateOnProperty)
{
    private const int MaxQuantity = 999;
    private const decimal MinPrice = 0.20m;
    private const decimal MaxPrice = 50_000m;

    // The fields updateListingInventory's schema declares, at each level; anything else is refused.
    private static readonly string[] BodyFields = ["products", "price_on_property", "quantity_on_property", "sku_on_property", "readiness_state_on_property"];
    private static readonly string[] ProductFields = ["sku", "property_values", "offerings"];
    private static readonly string[] OfferingFields = ["price", "quantity", "is_enabled", "readiness_state_id"];
    private static readonly string[] PropertyValueFields = ["property_id", "value_ids", "scale_id", "property_name", "values"];

    // Fields the GET answer carries but the PUT refuses; copying the GET shape back is the classic mistake.
    private static readonly string[] ReadOnlyProductFields = ["product_id", "is_deleted"];
    private static readonly string[] ReadOnlyOfferingFields = ["offering_id", "is_deleted"];

    public static EtsyInventoryUpdate Parse(JsonNode? body, EtsyListing existing)
    {
        if (body is not JsonObject root || root["products"] is not JsonArray productsNode || productsNode.Count == 0)
        {
            throw EtsyApiException.BadRequest("products is required and must be a non-empty array.");
        }

        RejectUnknown(root, BodyFields, [], "the request body");
        var knownValues = existing.Products.SelectMany(p => p.PropertyValues).ToList();
        var products = new List<EtsyProductUpdate>(productsNode.Count);
        for (var i = 0; i < productsNode.Count; i++)
        {
            products.Add(ParseProduct(productsNode[i], $"products[{i}]", knownValues));
        }

        var update = new EtsyInventoryUpdate(
            products,
            ReadPropertyIds(root, "price_on_property"),
            ReadPropertyIds(root, "quantity_on_property"),
            ReadPropertyIds(root, "sku_on_property"),
            ReadPropertyIds(root, "readiness_state_on_property"));
        update.ValidateAgainst(existing);
        return update;
    }

    private void ValidateAgainst(EtsyListing existing)
    {
        var existingKeys = existing.Products.Select(p => p.VariationKey).Order(StringComparer.Ordinal);
        var newKeys = Products.Select(p => p.VariationKey).Order(StringComparer.Ordinal);
        if (!existingKeys.SequenceEqual(newKeys, StringComparer.Ordinal))
        {
            throw EtsyApiException.BadRequest(
                "The products do not match the listing's variations. The inventory update replaces every product, so send all of them.");
        }

        var propertyIds = Products.SelectMany(p => p.PropertyValues).Select(v => v.PropertyId).ToHashSet();
        CheckOnProperty("price_on_property", PriceOnProperty, propertyIds, p => p.PriceMinor);
        CheckOnProperty("quantity_on_property", QuantityOnProperty, propertyIds, p => p.Quantity);
        CheckOnProperty("sku_on_property", SkuOnProperty, propertyIds, p => p.Sku);
        CheckOnProperty("readiness_state_on_property", ReadinessStateOnProperty, propertyIds, p => p.ReadinessStateId);

        // Etsy will not zero a whole listing through the inventory endpoint; sellers deactivate the listing instead.
        if (!Products.Any(p => p.Quantity > 0))
        {
            throw EtsyApiException.BadRequest("One offering must have quantity greater than 0");
        }

        // Reported on etsy/open-api#501: an enabled offering needs stock; a sold-out variation is disabled instead.
        if (Products.FirstOrDefault(p => p.IsEnabled && p.Quantity == 0) is { } empty)
        {
            throw EtsyApiException.BadRequest($"Offering for SKU '{empty.Sku}' is enabled with quantity 0: stocks must be greater than 0, or set is_enabled to false.");
        }
    }

    private void CheckOnProperty<T>(string name, IReadOnlyList<long> onProperty, HashSet<long> propertyIds, Func<EtsyProductUpdate, T> value)
    {
        var unknown = onProperty.Where(id => !propertyIds.Contains(id)).ToList();
        if (unknown.Count > 0)
        {
            throw EtsyApiException.BadRequest(
                $"{name} refers to property {unknown[0].ToString(CultureInfo.InvariantCulture)}, which no product has.");
        }

        // A value may differ between products only if it is declared to vary with a property.
        if (onProperty.Count == 0 && Products.Select(value).Distinct().Skip(1).Any())
        {
            throw EtsyApiException.BadRequest($"Products differ in a field that {name} does not declare as varying.");
        }
    }

    private static EtsyProductUpdate ParseProduct(JsonNode? node, string path, List<EtsySimPropertyValue> knownValues)
    {
        if (node is not JsonObject product)
        {
            throw EtsyApiException.BadRequest($"{path} must be an object.");
        }

        RejectReadOnly(product, ReadOnlyProductFields, path);
        RejectUnknown(product, ProductFields, ReadOnlyProductFields, path);
        var sku = product["sku"] switch
        {
            null => "",
            JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
            _ => throw EtsyApiException.BadRequest($"Expected string for {path}.sku"),
        };

        var propertyValues = new List<EtsySimPropertyValue>();
        if (product["property_values"] is JsonArray values)
        {
            for (var i = 0; i < values.Count; i++)
            {
                propertyValues.Add(ParsePropertyValue(values[i], $"{path}.property_values[{i}]", knownValues));
            }
        }
        else if (product["property_values"] is not null)
        {
            throw EtsyApiException.BadRequest($"Expected array for {path}.property_values");
        }

        if (product["offerings"] is not JsonArray offerings || offerings.Count != 1 || offerings[0] is not JsonObject offering)
        {
            throw EtsyApiException.BadRequest($"{path}.offerings must contain exactly one offering.");
        }

        var offeringPath = path + ".offerings[0]";
        RejectReadOnly(offering, ReadOnlyOfferingFields, offeringPath);
        RejectUnknown(offering, OfferingFields, ReadOnlyOfferingFields, offeringPath);

        // Etsy reads price as a float (amount / divisor); the Money object of the GET answer is refused.
        if (offering["price"] is not JsonValue priceValue || priceValue.GetValueKind() != JsonValueKind.Number)
        {
            throw EtsyApiException.BadRequest($"Expected float for {offeringPath}.price");
        }

        var price = priceValue.GetValue<decimal>();
        if (price < MinPrice || price > MaxPrice)
        {
            throw EtsyApiException.BadRequest($"{offeringPath}.price must be between {MinPrice} and {MaxPrice}.");
        }

        if (offering["quantity"] is not JsonValue quantityValue || quantityValue.GetValueKind() != JsonValueKind.Number
            || !quantityValue.TryGetValue<int>(out var quantity) || quantity is < 0 or > MaxQuantity)
        {
            throw EtsyApiException.BadRequest($"Expected int between 0 and {MaxQuantity} for {offeringPath}.quantity");
        }

        if (offering["is_enabled"] is not JsonValue enabledValue
            || enabledValue.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False))
        {
            throw EtsyApiException.BadRequest($"Expected bool for {offeringPath}.is_enabled");
        }

        long? readiness = offering["readiness_state_id"] switch
        {
            null => null,
            JsonValue v when v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<long>(out var id) => id,
            _ => throw EtsyApiException.BadRequest($"Expected int for {offeringPath}.readiness_state_id"),
        };

        return new EtsyProductUpdate(
            sku, propertyValues, (long)Math.Round(price * 100m, MidpointRounding.AwayFromZero), quantity, enabledValue.GetValue<bool>(), readiness);
    }

    private static EtsySimPropertyValue ParsePropertyValue(JsonNode? node, string path, List<EtsySimPropertyValue> knownValues)
    {
        if (node is not JsonObject value)
        {
            throw EtsyApiException.BadRequest($"{path} must be an object.");
        }

        if (value.ContainsKey("scale_name"))
        {
            throw EtsyApiException.BadRequest($"{path}.scale_name is read-only and cannot be set.");
        }

        RejectUnknown(value, PropertyValueFields, ["scale_name"], path);
        if (value["property_id"] is not JsonValue idValue || !idValue.TryGetValue<long>(out var propertyId))
        {
            throw EtsyApiException.BadRequest($"Expected int for {path}.property_id");
        }

        var valueId = (value["value_ids"] as JsonArray)?.FirstOrDefault() is JsonValue v && v.TryGetValue<long>(out var vid) ? vid : (long?)null;
        var text = (value["values"] as JsonArray)?.FirstOrDefault() is JsonValue t && t.GetValueKind() == JsonValueKind.String
            ? t.GetValue<string>()
            : null;

        // Either half identifies the value; fill in the other from what the listing already has.
        var known = knownValues.FirstOrDefault(k => k.PropertyId == propertyId
            && ((valueId is { } id && k.ValueId == id) || (text is not null && string.Equals(k.Value, text, StringComparison.OrdinalIgnoreCase))));
        if (text is null && known is null)
        {
            throw EtsyApiException.BadRequest($"{path} needs values (or value_ids of an existing variation).");
        }

        var name = value["property_name"] is JsonValue n && n.GetValueKind() == JsonValueKind.String ? n.GetValue<string>() : known?.PropertyName ?? "";
        return new EtsySimPropertyValue(propertyId, name, valueId ?? known?.ValueId ?? 0, text ?? known!.Value);
    }

    private static void RejectUnknown(JsonObject obj, string[] allowed, string[] readOnly, string path)
    {
        foreach (var (name, _) in obj)
        {
            if (!allowed.Contains(name, StringComparer.Ordinal) && !readOnly.Contains(name, StringComparer.Ordinal))
            {
                throw EtsyApiException.BadRequest($"{path} has a field '{name}' that updateListingInventory does not take.");
            }
        }
    }

    private static void RejectReadOnly(JsonObject obj, string[] fields, string path)
    {
        foreach (var field in fields)
        {
            if (obj.ContainsKey(field))
            {
                throw EtsyApiException.BadRequest($"{path}.{field} is read-only and cannot be set.");
            }
        }
    }

    private static List<long> ReadPropertyIds(JsonObject root, string name)
    {
        switch (root[name])
        {
            case null:
                return [];
            case JsonArray array:
                var ids = new List<long>(array.Count);
                foreach (var item in array)
                {
                    if (item is not JsonValue v || !v.TryGetValue<long>(out var id))
                    {
                        throw EtsyApiException.BadRequest($"Expected array of ints for {name}");
                    }

                    ids.Add(id);
                }

                return ids;
            default:
                throw EtsyApiException.BadRequest($"Expected array of ints for {name}");
        }
    }
}
