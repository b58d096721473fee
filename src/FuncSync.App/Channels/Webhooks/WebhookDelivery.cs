using System.Collections.Frozen;
using System.Text;

namespace FuncSync.Channels.Webhooks;

/// <summary>One HTTP delivery to a channel's webhook route, as the sender made it.</summary>
/// <param name="Method">GET or POST (upper case). GET carries verification handshakes (eBay's <c>challenge_code</c>).</param>
/// <param name="Headers">Header values by name, compared case-insensitively; a header sent several times is joined with
/// commas as HTTP allows.</param>
/// <param name="Query">Query parameters by name, compared case-insensitively.</param>
/// <param name="Body">The exact bytes the sender signed; at most the intake's limit (larger bodies are answered 413
/// before a channel sees them).</param>
/// <param name="ReceivedAt">When the intake received it, by the app's <see cref="TimeProvider"/>: the reference for
/// replay windows and event-time plausibility.</param>
/// <remarks>The address the request came in on is deliberately not here: behind a proxy or a custom domain it differs
/// from the address registered with the channel, so a scheme that signs the URL (Square) or hashes the endpoint
/// (eBay's challenge) takes the registered address from its options.</remarks>
public sealed record WebhookDelivery(
    string Method,
    IReadOnlyDictionary<string, string> Headers,
    IReadOnlyDictionary<string, string> Query,
    ReadOnlyMemory<byte> Body,
    DateTimeOffset ReceivedAt)
{
    /// <summary>A header's value, or null when absent or blank.</summary>
    public string? Header(string name) =>
        Headers.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value) ? value : null;

    /// <summary>A query parameter's value, or null when absent or blank.</summary>
    public string? QueryValue(string name) =>
        Query.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value) ? value : null;

    public bool IsGet => string.Equals(Method, "GET", StringComparison.OrdinalIgnoreCase);

    /// <summary>Builds the case-insensitive maps a delivery holds.</summary>
    public static IReadOnlyDictionary<string, string> Map(IEnumerable<KeyValuePair<string, string>> pairs) =>
        pairs.GroupBy(p => p.Key, StringComparer.OrdinalIgnoreCase)
            .ToFrozenDictionary(g => g.Key, g => string.Join(',', g.Select(p => p.Value)), StringComparer.OrdinalIgnoreCase);

    /// <summary>The body as UTF-8 text, or null when it is not valid UTF-8.</summary>
    public string? BodyText() => System.Text.Unicode.Utf8.IsValid(Body.Span) ? Encoding.UTF8.GetString(Body.Span) : null;
}
