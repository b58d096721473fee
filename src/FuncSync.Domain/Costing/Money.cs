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
}
