using System.Text.Json.Nodes;
using FuncSync.Catalog;
using FuncSync.Domain;
using FuncSync.Push;

namespace FuncSync.Etsy;

/// <summary>Etsy's side of a push. Etsy has no compare-and-set and its inventory PUT replaces the
/// whole listing, so a write re-sends every product of the listing exactly as read, with only the
/// target product's quantity changed. The listing is the write unit: pushes of its SKUs run one at a
/// time (<see cref="WriteUnit"/>), so none sends back another SKU's older quantity.</summary>
/// <remarks>The push reads a write back after recording it (PushChannelFunction), and never refuses a write on
/// it: a buyer who buys between the PUT and the read-back makes the read-back lower although the write landed,
/// and refusing it would count that sale twice.</remarks>
public sealed class EtsyInventory(EtsyApi api, EtsyDeactivations deactivations) : IChannelInventory
{
    /// <summary>Etsy's upper bound for an offering's quantity.</summary>
    public const int MaxQuantity = 999;

    public Channel Channel => Channel.Etsy;

    public async Task<ChannelStock> ReadAsync(SkuMapping mapping, CancellationToken cancellationToken)
    {
        var listing = Listing(mapping);
        var inventory = await api.GetListingInventoryAsync(listing.ListingId, cancellationToken);
        var state = (string?)inventory["listing"]?["state"]
            ?? throw new ChannelRequestException($"Etsy returned listing {listing.ListingId}'s inventory without the listing.");
        return new ChannelStock(Shown(inventory, state, listing), new EtsySnapshot(inventory, state));
    }

    /// <summary>What buyers see of the mapped product: its quantity while the listing is active and the offering
    /// enabled, otherwise zero. Reconciliation reads the same figure from getListingsByShop.</summary>
    internal static int Shown(JsonObject inventory, string state, EtsyListing listing)
    {
        var offering = Offering(FindProduct(inventory, listing));
        var buyable = string.Equals(state, "active", StringComparison.Ordinal) && (bool?)offering["is_enabled"] == true;
        return buyable ? (int)offering["quantity"]! : 0;
    }

    public string? WriteUnit(SkuMapping mapping) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"etsy-listing-{Listing(mapping).ListingId}");

    /// <summary>A listing of one product (most of a maker's pieces) is its SKU's alone: its pushes take no lease.</summary>
    public bool ReadShowsUnit => true;

    public bool CarriesOthers(ChannelStock current)
    {
        ArgumentNullException.ThrowIfNull(current);
        return current.Snapshot is not EtsySnapshot snapshot || Products(snapshot.Inventory).Skip(1).Any();
    }

    public async Task WriteAsync(SkuMapping mapping, ChannelStock current, int quantity, CancellationToken cancellationToken)
    {
        var listing = Listing(mapping);
        var snapshot = current.Snapshot as EtsySnapshot
            ?? throw new InvalidOperationException("An Etsy write needs the inventory its read returned.");
        var body = ToUpdateRequest(snapshot.Inventory, listing, Math.Min(quantity, MaxQuantity));
        var active = string.Equals(snapshot.State, "active", StringComparison.Ordinal);

        if (!HasStock(body))
        {
            // Etsy refuses an inventory with no unit left ("One offering must have quantity greater
            // than 0"): the way to show zero is to deactivate the listing, remembering that we did.
            if (active)
            {
                await deactivations.RecordAsync(listing.ListingId, cancellationToken);
                await api.UpdateListingStateAsync(listing.ListingId, "inactive", cancellationToken);
            }

            return;
        }

        if (!active && quantity > 0 && string.Equals(snapshot.State, "sold_out", StringComparison.Ordinal))
        {
            // Etsy documents that activating a sold_out listing sets its quantity to 1 (and renews it): activate first,
            // then write the real quantities over that 1. In between the listing shows 1, never more than we have.
            await api.UpdateListingStateAsync(listing.ListingId, "active", cancellationToken);
            await api.UpdateListingInventoryAsync(listing.ListingId, body, cancellationToken);
            await deactivations.ForgetAsync(listing.ListingId, cancellationToken);
            return;
        }

        await api.UpdateListingInventoryAsync(listing.ListingId, body, cancellationToken);
        if (!active && quantity > 0 && await MayReactivateAsync(listing.ListingId, snapshot.State, cancellationToken))
        {
            await api.UpdateListingStateAsync(listing.ListingId, "active", cancellationToken);
            await deactivations.ForgetAsync(listing.ListingId, cancellationToken);
        }
    }

    /// <summary>sold_out (Etsy's own doing after the last sale) is handled before the write; inactive is ours only if we
    /// recorded it, otherwise the seller switched the listing off and it stays off (its quantities are still kept right).</summary>
    private async Task<bool> MayReactivateAsync(long listingId, string state, CancellationToken cancellationToken) =>
        string.Equals(state, "inactive", StringComparison.Ordinal) && await deactivations.IsDeactivatedByUsAsync(listingId, cancellationToken);

    /// <summary>Turns a getListingInventory answer into an updateListingInventory body: read-only fields
    /// dropped, prices as floats (amount / divisor), every product kept so no variation is wiped.</summary>
    internal static JsonObject ToUpdateRequest(JsonObject inventory, EtsyListing listing, int quantity)
    {
        var target = FindProduct(inventory, listing);
        var products = new JsonArray();
        foreach (var product in Products(inventory))
        {
            var offering = Offering(product);
            var price = offering["price"] is JsonObject money
                ? (decimal)money["amount"]! / (decimal)money["divisor"]!
                : (decimal)offering["price"]!;
            var isTarget = ReferenceEquals(product, target);
            var newQuantity = isTarget ? quantity : (int)offering["quantity"]!;
            products.Add(new JsonObject
            {
                ["sku"] = (string?)product["sku"] ?? string.Empty,
                ["property_values"] = new JsonArray(((JsonArray?)product["property_values"] ?? []).Select(StripPropertyValue).ToArray()),
                ["offerings"] = new JsonArray(new JsonObject
                {
                    ["price"] = price,
                    ["quantity"] = newQuantity,
                    ["is_enabled"] = IsEnabled(offering, newQuantity, isTarget),
                    ["readiness_state_id"] = offering["readiness_state_id"]?.DeepClone(),
                }),
            });
        }

        var request = new JsonObject { ["products"] = products };
        foreach (var arrayName in new[] { "price_on_property", "quantity_on_property", "sku_on_property", "readiness_state_on_property" })
        {
            request[arrayName] = inventory[arrayName]?.DeepClone() ?? new JsonArray();
        }

        return request;
    }

    /// <summary>Etsy rejects an enabled offering with quantity 0, so a variation at zero is disabled. One that
    /// gets stock back is re-enabled only if it was disabled at zero (how FuncSync leaves it); a variation the seller
    /// switched off with units still on it stays off.</summary>
    private static bool IsEnabled(JsonObject offering, int newQuantity, bool isTarget)
    {
        var enabled = (bool?)offering["is_enabled"] ?? true;
        if (newQuantity == 0)
        {
            return false;
        }

        return enabled || (isTarget && (int)offering["quantity"]! == 0);
    }

    private static bool HasStock(JsonObject request) =>
        request["products"]!.AsArray().Any(p => p!["offerings"]!.AsArray().Any(o => (int)o!["quantity"]! > 0 && (bool)o["is_enabled"]!));

    private static JsonNode? StripPropertyValue(JsonNode? value)
    {
        var copy = (JsonObject)value!.DeepClone();
        copy.Remove("scale_name");
        return copy;
    }

    private static IEnumerable<JsonObject> Products(JsonObject inventory) =>
        ((JsonArray?)inventory["products"] ?? []).OfType<JsonObject>().Where(p => (bool?)p["is_deleted"] != true);

    private static JsonObject FindProduct(JsonObject inventory, EtsyListing listing)
    {
        var products = Products(inventory).ToList();

        // Product ids change on every update, so the SKU identifies the product; a listing with a single
        // product and no SKU is that product.
        return products.FirstOrDefault(p => string.Equals((string?)p["sku"] ?? string.Empty, listing.Sku, StringComparison.Ordinal))
            ?? (products.Count == 1 && listing.Sku.Length == 0 ? products[0] : null)
            ?? throw new ChannelRequestException($"Etsy listing {listing.ListingId} has no product with SKU '{listing.Sku}'.");
    }

    private static JsonObject Offering(JsonObject product) =>
        ((JsonArray?)product["offerings"] ?? []).OfType<JsonObject>().FirstOrDefault(o => (bool?)o["is_deleted"] != true)
            ?? throw new ChannelRequestException($"Etsy product {product["sku"]} has no offering.");

    private static EtsyListing Listing(SkuMapping mapping) =>
        mapping.Etsy ?? throw new InvalidOperationException($"SKU {mapping.Sku} is not mapped on Etsy.");

    private sealed record EtsySnapshot(JsonObject Inventory, string State);
}
