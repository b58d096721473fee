using System.Globalization;
using System.Text.Json.Nodes;
using FuncSync.Catalog;
using FuncSync.Domain;
using FuncSync.Push;
using Microsoft.Extensions.Options;

namespace FuncSync.Shopify;

/// <summary>Shopify's side of a push, through the GraphQL Admin API: read the "available" quantity of the level a
/// SKU maps to (or, when the seller sells from several locations, of all its levels summed), and set it with
/// <c>inventorySetQuantities</c> conditional on the value read (<c>changeFromQuantity</c>), under an idempotency key.
/// Writes that are waiting at the same time (the pushes of every listing built from one part, or a burst held back by
/// the cost budget) travel in one call of up to 250 quantities.</summary>
public sealed partial class ShopifyInventory(ShopifyAdminApi api, ShopifyWriteCoalescer coalescer, IOptions<ShopifyOptions> options, ILogger<ShopifyInventory> logger) : IChannelInventory
{
    /// <summary>Shopify caps every input array at 250 items.</summary>
    public const int MaxQuantitiesPerCall = 250;

    // Locations a level read asks for; a seller with more is beyond what FuncSync is for.
    private const int MaxLocations = 50;

    // Shopify's calculated costs: a mutation is 10 points; an object 1; a connection 2 plus what it may return.
    private const int MutationCost = 10;
    private const int LevelReadCost = 2;
    private const int AllLevelsReadCost = 1 + 2 + MaxLocations;

    private const string ReadQuery =
        "query InventoryLevel($inventoryItemId: ID!, $locationId: ID!) { inventoryItem(id: $inventoryItemId) { id inventoryLevel(locationId: $locationId) { id quantities(names: [\"available\"]) { name quantity } } } }";

    private const string ReadAllQuery =
        "query InventoryLevels($inventoryItemId: ID!, $first: Int!) { inventoryItem(id: $inventoryItemId) { id inventoryLevels(first: $first) { nodes { location { id } quantities(names: [\"available\"]) { name quantity } } } } }";

    private const string SetMutation =
        "mutation SetAvailable($input: InventorySetQuantitiesInput!, $idempotencyKey: String!) { inventorySetQuantities(input: $input) @idempotent(key: $idempotencyKey) { inventoryAdjustmentGroup { reason changes { name delta quantityAfterChange } } userErrors { code field message } } }";

    public Channel Channel => Channel.Shopify;

    public async Task<ChannelStock> ReadAsync(SkuMapping mapping, CancellationToken cancellationToken)
    {
        var listing = Listing(mapping);
        if (options.Value.ReadAllLocations)
        {
            return await ReadAllLocationsAsync(mapping, listing, cancellationToken);
        }

        var variables = new JsonObject
        {
            ["inventoryItemId"] = InventoryItemGid(listing.InventoryItemId),
            ["locationId"] = LocationGid(listing.LocationId),
        };
        var data = await api.SendAsync("InventoryLevel", ReadQuery, variables, LevelReadCost, cancellationToken);
        var level = data["inventoryItem"]?["inventoryLevel"]
            ?? throw new ChannelRequestException($"Shopify has no inventory level for item {listing.InventoryItemId} at location {listing.LocationId} (SKU {mapping.Sku}).");
        var available = Available(level, mapping.Sku);
        return new ChannelStock(available, new ShopifyLevel(available));
    }

    /// <summary>Sets the mapped level so that what buyers see (the level, or the sum over locations) becomes
    /// <paramref name="quantity"/>, conditional on the level still holding what <paramref name="current"/> read.</summary>
    /// <exception cref="ShopifyStaleQuantityException">The level moved since it was read.</exception>
    public async Task WriteAsync(SkuMapping mapping, ChannelStock current, int quantity, CancellationToken cancellationToken)
    {
        var listing = Listing(mapping);
        var atLocation = current.Snapshot is ShopifyLevel level ? level.AtLocation : current.Quantity;
        var elsewhere = current.Quantity - atLocation;
        var target = quantity - elsewhere;
        if (target < 0)
        {
            // Other locations alone show more than the ledger allows; FuncSync writes only its own location.
            logger.LogWarning("{Sku}: other Shopify locations show {Elsewhere}, more than the {Quantity} wanted; location {Location} set to 0", mapping.Sku, elsewhere, quantity, listing.LocationId);
            target = 0;
        }

        var write = new ShopifyQuantityWrite(mapping.Sku, listing.InventoryItemId, listing.LocationId, target, atLocation);
        var outcome = await coalescer.WriteAsync(write, SetQuantitiesAsync, cancellationToken);
        outcome.ThrowIfFailed();
    }

    /// <summary>Sets several levels, up to 250 per <c>inventorySetQuantities</c> call. Shopify applies a call all or
    /// nothing: when some quantities are refused (a stale <c>changeFromQuantity</c>, an unknown item), the others are
    /// sent again without them, so one busy level does not hold back the rest.</summary>
    /// <returns>One outcome per write, in order.</returns>
    public async Task<IReadOnlyList<ShopifyWriteOutcome>> SetQuantitiesAsync(IReadOnlyList<ShopifyQuantityWrite> writes, CancellationToken cancellationToken)
    {
        var outcomes = new ShopifyWriteOutcome[writes.Count];
        for (var start = 0; start < writes.Count; start += MaxQuantitiesPerCall)
        {
            var chunk = Enumerable.Range(start, Math.Min(MaxQuantitiesPerCall, writes.Count - start)).ToList();
            while (chunk.Count > 0)
            {
                chunk = await SendChunkAsync(writes, chunk, outcomes, cancellationToken);
            }
        }

        return outcomes;
    }

    /// <returns>The writes of <paramref name="chunk"/> still to send: refused only because others in the call were.</returns>
    private async Task<List<int>> SendChunkAsync(IReadOnlyList<ShopifyQuantityWrite> writes, List<int> chunk, ShopifyWriteOutcome[] outcomes, CancellationToken cancellationToken)
    {
        var quantities = new JsonArray();
        foreach (var index in chunk)
        {
            var write = writes[index];
            quantities.Add(new JsonObject
            {
                ["inventoryItemId"] = InventoryItemGid(write.InventoryItemId),
                ["locationId"] = LocationGid(write.LocationId),
                ["quantity"] = write.Quantity,
                ["changeFromQuantity"] = write.ChangeFromQuantity,
            });
        }

        var variables = new JsonObject
        {
            ["input"] = new JsonObject
            {
                ["name"] = "available",
                ["reason"] = "correction",
                ["referenceDocumentUri"] = chunk.Count == 1 ? $"gid://funcsync/Sku/{Uri.EscapeDataString(writes[chunk[0]].Sku)}" : "gid://funcsync/Push/batch",
                ["quantities"] = quantities,
            },

            // One key per call: the HTTP retry of this very request replays it, never applies it twice; a call sent
            // again with other quantities is a new change and gets a new key.
            ["idempotencyKey"] = Guid.NewGuid().ToString(),
        };
        var data = await api.SendAsync("SetAvailable", SetMutation, variables, MutationCost, cancellationToken);
        var errors = data["inventorySetQuantities"]?["userErrors"]?.AsArray() ?? [];
        if (errors.Count == 0)
        {
            foreach (var index in chunk)
            {
                outcomes[index] = ShopifyWriteOutcome.Written;
            }

            return [];
        }

        var refused = new Dictionary<int, List<JsonNode>>();
        var general = new List<JsonNode>();
        foreach (var error in errors.OfType<JsonNode>())
        {
            if (QuantityIndex(error) is { } position && position < chunk.Count)
            {
                (refused.TryGetValue(position, out var list) ? list : refused[position] = []).Add(error);
            }
            else
            {
                general.Add(error);
            }
        }

        if (general.Count > 0)
        {
            // Not about one quantity (an idempotency or input problem): nothing in the call can succeed as sent.
            var message = $"Shopify refused the quantities: {Describe(general)}";
            foreach (var index in chunk)
            {
                outcomes[index] = ShopifyWriteOutcome.Refused(message);
            }

            return [];
        }

        var again = new List<int>();
        for (var position = 0; position < chunk.Count; position++)
        {
            var write = writes[chunk[position]];
            if (!refused.TryGetValue(position, out var own))
            {
                again.Add(chunk[position]);
            }
            else if (own.Any(e => (string?)e["code"] == "CHANGE_FROM_QUANTITY_STALE"))
            {
                outcomes[chunk[position]] = ShopifyWriteOutcome.Stale(write);
            }
            else
            {
                outcomes[chunk[position]] = ShopifyWriteOutcome.Refused($"Shopify refused the quantity for SKU {write.Sku}: {Describe(own)}");
            }
        }

        return again;
    }

    private async Task<ChannelStock> ReadAllLocationsAsync(SkuMapping mapping, ShopifyListing listing, CancellationToken cancellationToken)
    {
        var variables = new JsonObject { ["inventoryItemId"] = InventoryItemGid(listing.InventoryItemId), ["first"] = MaxLocations };
        var data = await api.SendAsync("InventoryLevels", ReadAllQuery, variables, AllLevelsReadCost, cancellationToken);
        var nodes = data["inventoryItem"]?["inventoryLevels"]?["nodes"]?.AsArray()
            ?? throw new ChannelRequestException($"Shopify has no inventory item {listing.InventoryItemId} (SKU {mapping.Sku}).");
        int? atLocation = null;
        var total = 0;
        foreach (var node in nodes.OfType<JsonNode>())
        {
            var available = Available(node, mapping.Sku);
            total += available;
            if ((string?)node["location"]?["id"] == LocationGid(listing.LocationId))
            {
                atLocation = available;
            }
        }

        return atLocation is { } own
            ? new ChannelStock(total, new ShopifyLevel(own))
            : throw new ChannelRequestException($"Shopify has no inventory level for item {listing.InventoryItemId} at location {listing.LocationId} (SKU {mapping.Sku}).");
    }

    private static int Available(JsonNode level, string sku) =>
        level["quantities"]?.AsArray().FirstOrDefault(q => (string?)q?["name"] == "available")?["quantity"]?.GetValue<int>()
        ?? throw new ChannelRequestException($"Shopify returned no 'available' quantity for SKU {sku}.");

    /// <summary>userErrors name the input they are about: <c>["input", "quantities", "3", "changeFromQuantity"]</c>.</summary>
    private static int? QuantityIndex(JsonNode error) =>
        error["field"] is JsonArray { Count: >= 3 } field
        && (string?)field[1] == "quantities"
        && int.TryParse((string?)field[2], NumberStyles.None, CultureInfo.InvariantCulture, out var index)
            ? index
            : null;

    private static string Describe(IEnumerable<JsonNode> errors) => string.Join("; ", errors.Select(e => $"{e["code"]}: {e["message"]}"));

    private static ShopifyListing Listing(SkuMapping mapping) =>
        mapping.Shopify ?? throw new InvalidOperationException($"SKU {mapping.Sku} is not mapped on Shopify.");

    private static string InventoryItemGid(long id) => string.Create(CultureInfo.InvariantCulture, $"gid://shopify/InventoryItem/{id}");

    private static string LocationGid(long id) => string.Create(CultureInfo.InvariantCulture, $"gid://shopify/Location/{id}");

    /// <summary>What the read found at the location FuncSync writes, which the write's compare-and-set is about,
    /// when the quantity shown sums several locations.</summary>
    private sealed record ShopifyLevel(int AtLocation);
}

/// <summary>One level to set: <paramref name="Quantity"/> if Shopify still holds <paramref name="ChangeFromQuantity"/>.</summary>
public sealed record ShopifyQuantityWrite(string Sku, long InventoryItemId, long LocationId, int Quantity, int ChangeFromQuantity);

/// <summary>How one write of a call ended.</summary>
public sealed record ShopifyWriteOutcome(bool IsWritten, ShopifyQuantityWrite? StaleWrite, string? Error)
{
    public static ShopifyWriteOutcome Written { get; } = new(true, null, null);

    public static ShopifyWriteOutcome Stale(ShopifyQuantityWrite write) => new(false, write, null);

    public static ShopifyWriteOutcome Refused(string error) => new(false, null, error);

    public void ThrowIfFailed()
    {
        if (StaleWrite is { } stale)
        {
            throw new ShopifyStaleQuantityException(stale.Sku, stale.InventoryItemId, stale.LocationId, stale.ChangeFromQuantity);
        }

        if (Error is { } error)
        {
            throw new ChannelRequestException(error);
        }
    }
}

/// <summary>Shopify refused a compare-and-set (<c>CHANGE_FROM_QUANTITY_STALE</c>): the level no longer holds
/// <see cref="ExpectedQuantity"/>. Shopify's error names the field but not the quantity it holds now, so
/// <see cref="CurrentQuantity"/> is null and the caller re-reads.</summary>
public sealed class ShopifyStaleQuantityException : StaleChannelQuantityException
{
    public ShopifyStaleQuantityException(string sku, long inventoryItemId, long locationId, int expectedQuantity)
        : base(string.Create(CultureInfo.InvariantCulture, $"Shopify's quantity for SKU {sku} (item {inventoryItemId} at location {locationId}) is no longer {expectedQuantity}."))
    {
        Sku = sku;
        InventoryItemId = inventoryItemId;
        LocationId = locationId;
        ExpectedQuantity = expectedQuantity;
    }

    public string Sku { get; }

    public long InventoryItemId { get; }

    public long LocationId { get; }

    public int ExpectedQuantity { get; }

    public int? CurrentQuantity { get; init; }
}
