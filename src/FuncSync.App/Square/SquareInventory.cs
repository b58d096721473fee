using System.Globalization;
using System.Text.Json.Nodes;
using FuncSync.Catalog;
using FuncSync.Domain;
using FuncSync.Push;
using Microsoft.Extensions.Options;

namespace FuncSync.Square;

/// <summary>The push's read and write of Square. What Square shows for a SKU is its variation's IN_STOCK count summed
/// over the configured locations. Writes are <c>ADJUSTMENT</c> changes by the difference, never a
/// <c>PHYSICAL_COUNT</c>: a delta commutes with a sale rung up at the register between FuncSync's read and its write (the
/// count ends one lower, and the sale's own count notification tells the ledger), where a count would overwrite that
/// sale and, since Square orders changes by when they happened, also swallow an offline sale made before it and
/// uploaded after. Square has no compare-and-set; the delta is what keeps a concurrent sale.</summary>
public sealed class SquareInventory(SquareApi square, IOptions<SquareOptions> options, TimeProvider time) : IChannelInventory
{
    /// <summary>Begins the <c>reference_id</c> of every adjustment FuncSync writes: Square's change log shows it, and the
    /// count notification's intake tells FuncSync's own writes apart by it.</summary>
    public const string ReferencePrefix = "funcsync:";

    public Channel Channel => Channel.Square;

    public async Task<ChannelStock> ReadAsync(SkuMapping mapping, CancellationToken cancellationToken)
    {
        var variation = Variation(mapping);
        var locations = options.Value.Locations;
        var counts = await square.RetrieveCountsAsync([variation], locations, cancellationToken);
        var byLocation = locations
            .Select(l => counts.FirstOrDefault(c => c.VariationId == variation && c.LocationId == l) ?? new SquareCount(variation, l, 0, null))
            .ToList();
        return new ChannelStock(byLocation.Sum(c => c.Quantity), byLocation);
    }

    public async Task WriteAsync(SkuMapping mapping, ChannelStock current, int quantity, CancellationToken cancellationToken)
    {
        var delta = quantity - current.Quantity;
        if (delta == 0)
        {
            return;
        }

        var counts = current.Snapshot as IReadOnlyList<SquareCount> ?? (IReadOnlyList<SquareCount>)(await ReadAsync(mapping, cancellationToken)).Snapshot!;
        var changes = Plan(counts, delta, options.Value.SellFromLocationId)
            .Select(move => Adjustment(mapping, move.Location, move.Units, time.GetUtcNow()))
            .ToList();

        // One key per write: the pipeline's retries of this call reuse it, so a 429 or a lost answer never applies twice.
        var key = Guid.NewGuid().ToString();
        await square.BatchChangeAsync(changes, key, cancellationToken);
    }

    /// <summary>Where a change of <paramref name="delta"/> lands. A rise goes to the sell-from location (else the first
    /// configured one). A fall is taken from the sell-from location first, then from the locations with the most units;
    /// what no location holds comes off the first candidate, going below zero as Square itself would.</summary>
    public static IReadOnlyList<(string Location, int Units)> Plan(IReadOnlyList<SquareCount> counts, int delta, string? sellFrom)
    {
        var preferred = counts.FirstOrDefault(c => c.LocationId == sellFrom);
        if (delta > 0)
        {
            return [((preferred ?? counts[0]).LocationId, delta)];
        }

        var candidates = counts
            .OrderByDescending(c => c.LocationId == sellFrom)
            .ThenByDescending(c => c.Quantity)
            .ToList();
        var moves = new List<(string Location, int Units)>();
        var left = -delta;
        foreach (var count in candidates)
        {
            var take = Math.Min(left, Math.Max(0, count.Quantity));
            if (take > 0)
            {
                moves.Add((count.LocationId, -take));
                left -= take;
            }
        }

        if (left > 0)
        {
            var first = candidates[0].LocationId;
            var index = moves.FindIndex(m => m.Location == first);
            if (index >= 0)
            {
                moves[index] = (first, moves[index].Units - left);
            }
            else
            {
                moves.Insert(0, (first, -left));
            }
        }

        return moves;
    }

    internal static string Variation(SkuMapping mapping) =>
        mapping.Square?.VariationId ?? throw new InvalidOperationException($"{mapping.Sku} has no Square variation.");

    private static JsonObject Adjustment(SkuMapping mapping, string location, int units, DateTimeOffset at) => new()
    {
        ["type"] = "ADJUSTMENT",
        ["adjustment"] = new JsonObject
        {
            ["reference_id"] = ReferencePrefix + mapping.Sku,
            ["catalog_object_id"] = Variation(mapping),
            ["location_id"] = location,
            // A rise is stock received into IN_STOCK; a fall is units sold on another channel.
            ["from_state"] = units > 0 ? "NONE" : "IN_STOCK",
            ["to_state"] = units > 0 ? "IN_STOCK" : "SOLD",
            ["quantity"] = Math.Abs(units).ToString(CultureInfo.InvariantCulture),
            ["occurred_at"] = at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
        },
    };
}
