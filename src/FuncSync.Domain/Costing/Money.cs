namespace FuncSync.Domain.Costing;

/// <summary>An amount in a currency, as a channel reports an order line's price.</summary>
/// <param name="Currency">The ISO 4217 code the channel gives (GBP, USD); upper case.</param>
public sealed record Money(decimal Amount, string Currency)
{
    /// <summary>The longest amount a channel could report for one line: a guard against a misread field, far above
    /// any maker's order.</summary>
    public const decimal Max = 100_000_000m;

    /// <summary>A channel's figure as FuncSync keeps it, or null when it is not a price (negative, absurd, or without
    /// a three-letter currency): a margin report without a line is better than one with a wrong one.</summary>
    public static Money? Of(decimal? amount, string? currency) =>
        amount is { } value and >= 0 and <= Max && currency is { Length: 3 } code && code.All(char.IsAsciiLetter)
            ? new Money(decimal.Round(value, 4), code.ToUpperInvariant())
            : null;

    /// <summary>A channel's amount written as a decimal string ("12.50", with a point, as every channel's JSON writes it),
    /// in <paramref name="currency"/>; null when either does not read as a price (<see cref="Of"/>).</summary>
    public static Money? Parse(string? amount, string? currency) => ParseAmount(amount) is { } value ? Of(value, currency) : null;

    /// <summary>A decimal string with a point and an optional sign, whatever the machine's culture; null when it is not one.</summary>
    public static decimal? ParseAmount(string? amount) =>
        decimal.TryParse(amount, System.Globalization.NumberStyles.AllowDecimalPoint | System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var value)
            ? value
            : null;
}
