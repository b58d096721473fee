using System.Globalization;
using Azure.Data.Tables;
using FuncSync.Domain;
using FuncSync.Domain.Costing;
using FuncSync.Domain.Ledger;
using FuncSync.Storage;

namespace FuncSync.Ledger;

/// <summary>The rows a channel's order line leaves for the monthly reports, written by the transaction that applies it
/// (so a redelivered line counts once and costs no storage operation of its own): <c>order|month|channel|event</c> for a
/// sale (its SKU, units, what the buyer paid, the units it oversold) and <c>restock|month|channel|event</c> for a
/// cancellation or return of one (the units given back and the part of the sale's price they stand for).</summary>
public static class OrderLines
{
    public const string OrderPrefix = "order";
    public const string RestockPrefix = "restock";

    private const string AmountColumn = "Amount";
    private const string CurrencyColumn = "Currency";

    /// <summary>The calendar month (UTC) a line counts in: the month the ledger applied it.</summary>
    public static string Month(DateTimeOffset appliedAt) => appliedAt.UtcDateTime.ToString("yyyy-MM", CultureInfo.InvariantCulture);

    public static string OrderKey(string month, Channel channel, string eventId) => TableKeys.Join(OrderPrefix, month, channel.ToString(), eventId);

    /// <param name="oversold">Units of this line the stock could not cover when it was applied.</param>
    public static TableEntity Order(string partition, DateTimeOffset now, Channel channel, InventoryEventReceived received, int oversold)
    {
        var row = new TableEntity(partition, OrderKey(Month(now), channel, received.EventId))
        {
            ["Sku"] = received.Sku,
            ["Units"] = received.Quantity,
            ["Oversold"] = oversold,
        };
        WritePrice(row, received.LineTotal);
        return row;
    }

    /// <summary>A cancellation or return of a sale: <paramref name="units"/> of the sale's <paramref name="saleUnits"/>
    /// given back, with that share of what the buyer paid (the sale's dedupe row keeps the price).</summary>
    public static TableEntity Restock(string partition, DateTimeOffset now, Channel channel, InventoryEventReceived received, int units, TableEntity sale, int saleUnits)
    {
        var row = new TableEntity(partition, TableKeys.Join(RestockPrefix, Month(now), channel.ToString(), received.EventId))
        {
            ["Sku"] = received.Sku,
            ["Units"] = units,
            ["Kind"] = received.Kind.ToString(),
        };
        if (ReadPrice(sale) is { } paid && saleUnits > 0)
        {
            WritePrice(row, paid with { Amount = decimal.Round(paid.Amount * units / saleUnits, 4) });
        }

        return row;
    }

    /// <summary>Keeps a line's price on a row (a sale's dedupe row, so its restocks can give back their share).</summary>
    public static void WritePrice(TableEntity row, Money? price)
    {
        ArgumentNullException.ThrowIfNull(row);
        if (price is not null)
        {
            // A string, since Table Storage has no decimal and a double would drift a cent in the sums.
            row[AmountColumn] = price.Amount.ToString(CultureInfo.InvariantCulture);
            row[CurrencyColumn] = price.Currency;
        }
    }

    public static Money? ReadPrice(TableEntity row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return Money.Parse(row.GetString(AmountColumn), row.GetString(CurrencyColumn));
    }

    /// <summary>Units of a sale the stock could not cover: for a SKU with stock of its own, what it took below zero; for a
    /// bundle or made-to-order piece, the pieces its scarcest part could not make.</summary>
    /// <param name="moves">Each part's units this sale took, with the part's available before and after.</param>
    public static int Oversold(int quantity, IEnumerable<(int Units, StockChange Change)> moves)
    {
        ArgumentNullException.ThrowIfNull(moves);
        if (quantity <= 0)
        {
            return 0;
        }

        var pieces = 0;
        foreach (var (units, change) in moves)
        {
            var uncovered = Math.Max(0, -change.After.Available) - Math.Max(0, -change.Before.Available);
            if (uncovered > 0 && units > 0)
            {
                var perPiece = Math.Max(1, units / quantity);
                pieces = Math.Max(pieces, (uncovered + perPiece - 1) / perPiece);
            }
        }

        return Math.Min(quantity, pieces);
    }
}
