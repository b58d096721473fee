using FuncSync.Domain;

namespace FuncSync.Channels;

/// <summary>A channel's connection status, for the dashboard's channel cards: whether it can sync, and facts a seller
/// can check (which shop, whether a secret is set, never what it is).</summary>
public interface IChannelConnection
{
    Task<ChannelConnection> ReadAsync(CancellationToken cancellationToken);
}

/// <param name="Connected">Credentials are in place for the channel's API.</param>
/// <param name="Facts">Label and value pairs in display order.</param>
/// <param name="Action">Something the seller can do from the card (connect through OAuth), or null.</param>
public sealed record ChannelConnection(Channel Channel, bool Connected, IReadOnlyList<ConnectionFact> Facts, ConnectionAction? Action = null);

public sealed record ConnectionFact(string Label, string Value);

/// <param name="Start">An API route (below <c>/api/</c>) that answers with <c>authorizeUrl</c> to send the seller to.</param>
/// <param name="Hint">Shown under the button, or null.</param>
public sealed record ConnectionAction(string Label, string Start, string? Hint);

/// <summary>What a connection action's start route answers when asked for JSON: where to send the seller.</summary>
public sealed record AuthorizeRedirect(Uri AuthorizeUrl);
