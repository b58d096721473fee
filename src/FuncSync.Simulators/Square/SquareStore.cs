namespace FuncSync.Simulators.Square;

/// <summary>An item variation as Square's catalog holds it: the unit that is sold and counted.</summary>
internal sealed class SquareVariation(string id, string itemId, string itemName, string name, string? sku, bool trackInventory)
{
    public string Id { get; } = id;

    public string ItemId { get; } = itemId;

    public string ItemName { get; } = itemName;

    public string Name { get; } = name;

    public string? Sku { get; } = sku;

    public bool TrackInventory { get; set; } = trackInventory;

    public long Version { get; set; } = 1;

    /// <summary>The variation's price in the currency's smallest unit (cents): what an order line charges per unit.</summary>
    public long PriceMinor { get; set; } = SquareVariationDefaults.PriceMinor;

    /// <summary>Per location: inventory tracking overridden there (null = the variation's), and sold out by hand.</summary>
    public Dictionary<string, (bool? TrackInventory, bool SoldOutByHand)> Overrides { get; } = new(StringComparer.Ordinal);

    public bool TracksAt(string location) =>
        Overrides.TryGetValue(location, out var o) && o.TrackInventory is { } track ? track : TrackInventory;
}

/// <summary>One change to a variation's IN_STOCK quantity at a location, as Square keeps it: a physical count sets the
/// quantity as of <see cref="OccurredAt"/>; an adjustment moves it. Square applies them in the order of their
/// client-supplied times, not of their arrival, so an offline sale uploaded late lands where it happened.</summary>
internal sealed record SquareChange(DateTimeOffset OccurredAt, long Sequence, bool IsCount, decimal Quantity)
{
    /// <summary>Where the change came from and how Square's change log shows it.</summary>
    public required SquareChangeOrigin Origin { get; init; }

    /// <summary>When Square received it (an offline sale: when it was uploaded, not when it happened).</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    public required string Id { get; init; }
}

/// <summary>What Square's change log says of a change: its states, its source application, and the order
/// (<c>transaction_id</c>) or the writer's own reference behind it.</summary>
internal sealed record SquareChangeOrigin(string Product, string? SourceName, string? ApplicationId, string FromState, string ToState)
{
    public string? TransactionId { get; init; }

    public string? ReferenceId { get; init; }

    /// <summary>A count set at the register or in the Dashboard (a physical count).</summary>
    public static SquareChangeOrigin Counted(string product, string name) => new(product, name, null, "NONE", "IN_STOCK");
}

/// <summary>The catalog, the inventory and the orders of one simulated seller. Not thread-safe: the simulator holds its
/// lock around every call.</summary>
internal sealed class SquareStore
{
    private readonly Dictionary<string, SquareVariation> _variations = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Variation, string Location), List<SquareChange>> _changes = [];
    private readonly Dictionary<string, SquareOrder> _orders = new(StringComparer.Ordinal);
    private long _sequence;

    public IEnumerable<SquareVariation> Variations => _variations.Values.OrderBy(v => v.Id, StringComparer.Ordinal);

    public void Add(SquareVariation variation) => _variations.Add(variation.Id, variation);

    public SquareVariation? Find(string id) => _variations.GetValueOrDefault(id);

    public void AddOrder(SquareOrder order) => _orders.Add(order.Id, order);

    public SquareOrder? FindOrder(string id) => _orders.GetValueOrDefault(id);

    public SquareChange Record(string variation, string location, DateTimeOffset occurredAt, bool isCount, decimal quantity, SquareChangeOrigin origin, string id, DateTimeOffset createdAt)
    {
        var key = (variation, location);
        if (!_changes.TryGetValue(key, out var list))
        {
            _changes[key] = list = [];
        }

        var change = new SquareChange(occurredAt, ++_sequence, isCount, quantity) { Origin = origin, Id = id, CreatedAt = createdAt };
        list.Add(change);
        return change;
    }

    /// <summary>Every change of the variations at the locations received after <paramref name="after"/>, in the order
    /// Square received them.</summary>
    public IEnumerable<(string Variation, string Location, SquareChange Change)> ChangesAfter(IReadOnlySet<string>? variations, IReadOnlySet<string>? locations, DateTimeOffset after, DateTimeOffset? before) =>
        _changes
            .Where(p => (variations is null || variations.Contains(p.Key.Variation)) && (locations is null || locations.Contains(p.Key.Location)))
            .SelectMany(p => p.Value.Select(c => (p.Key.Variation, p.Key.Location, Change: c)))
            .Where(c => c.Change.CreatedAt > after && (before is null || c.Change.CreatedAt < before))
            .OrderBy(c => c.Change.Sequence);

    /// <summary>The IN_STOCK quantity: the changes replayed in the order of their times (arrival breaks ties).</summary>
    public decimal Count(string variation, string location)
    {
        if (!_changes.TryGetValue((variation, location), out var list))
        {
            return 0;
        }

        var quantity = 0m;
        foreach (var change in list.OrderBy(c => c.OccurredAt).ThenBy(c => c.Sequence))
        {
            quantity = change.IsCount ? change.Quantity : quantity + change.Quantity;
        }

        return quantity;
    }

    /// <summary>Whether Square has ever counted or adjusted the variation there (untouched ones have no count).</summary>
    public bool HasCount(string variation, string location) => _changes.ContainsKey((variation, location));

    public DateTimeOffset CalculatedAt(string variation, string location) =>
        _changes.TryGetValue((variation, location), out var list) ? list.Max(c => c.OccurredAt) : DateTimeOffset.UnixEpoch;

    public IEnumerable<(string Variation, string Location)> Counted => _changes.Keys.OrderBy(k => k.Variation, StringComparer.Ordinal).ThenBy(k => k.Location, StringComparer.Ordinal);
}

/// <summary>An order as the Orders API returns it.</summary>
internal sealed class SquareOrder(string id, string locationId, DateTimeOffset createdAt, IReadOnlyList<SquareOrderLine> lines)
{
    public string Id { get; } = id;

    public string LocationId { get; } = locationId;

    public DateTimeOffset CreatedAt { get; } = createdAt;

    public DateTimeOffset UpdatedAt { get; set; } = createdAt;

    public IReadOnlyList<SquareOrderLine> Lines { get; } = lines;

    /// <summary>DRAFT, OPEN, COMPLETED or CANCELED.</summary>
    public string State { get; set; } = "OPEN";

    public int Version { get; set; } = 1;

    /// <summary>The product that made it (<c>source.name</c>): Square Online, or the Point of Sale app for a register sale.</summary>
    public string SourceName { get; init; } = "Square Online";
}

/// <param name="BasePriceMinor">The unit price when the order was made, in the currency's smallest unit.</param>
internal sealed record SquareOrderLine(string Uid, string CatalogObjectId, int Quantity, string Name, long BasePriceMinor);

internal static class SquareVariationDefaults
{
    /// <summary>24.00 in cents: a variation's price until a test or the demo sets one.</summary>
    public const long PriceMinor = 2400;
}
