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

    /// <summary>Per location: inventory tracking overridden there (null = the variation's), and sold out by hand.</summary>
    public Dictionary<string, (bool? TrackInventory, bool SoldOutByHand)> Overrides { get; } = new(StringComparer.Ordinal);

    public bool TracksAt(string location) =>
        Overrides.TryGetValue(location, out var o) && o.TrackInventory is { } track ? track : TrackInventory;
}

/// <summary>One change to a variation's IN_STOCK quantity at a location, as Square keeps it: a physical count sets the
/// quantity as of <see cref="OccurredAt"/>; an adjustment moves it. Square applies them in the order of their
/// client-supplied times, not of their arrival, so an offline sale uploaded late lands where it happened.</summary>
internal sealed record SquareChange(DateTimeOffset OccurredAt, long Sequence, bool IsCount, decimal Quantity);

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

    public void Record(string variation, string location, DateTimeOffset occurredAt, bool isCount, decimal quantity)
    {
        var key = (variation, location);
        if (!_changes.TryGetValue(key, out var list))
        {
            _changes[key] = list = [];
        }

        list.Add(new SquareChange(occurredAt, ++_sequence, isCount, quantity));
    }

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
}

internal sealed record SquareOrderLine(string Uid, string CatalogObjectId, int Quantity, string Name);
