using System.Text.Json.Serialization.Metadata;

namespace FuncSync.Channels.State;

/// <summary>One kind of a channel's private state (Etsy's deactivated listings, its poll pacer, eBay's notification
/// subscriptions...): a name, unique within the channel, and how its values are stored. A channel declares its kinds
/// once, as static fields, and passes them to every <see cref="ChannelState"/> call, so a value is always read back as
/// the type it was written as.</summary>
/// <param name="Name">Letters, digits and '-' only: part of the table's partition key.</param>
/// <param name="Json">The value's source-generated JSON contract. A stored value is at most 32,000 characters of JSON
/// (a table property holds 64 KiB of UTF-16).</param>
public sealed record StateKind<T>(string Name, JsonTypeInfo<T> Json)
{
    public string Name { get; } = Name is { Length: > 0 and <= 64 } && Name.All(c => char.IsAsciiLetterOrDigit(c) || c == '-')
        ? Name
        : throw new ArgumentException("A state kind is 1 to 64 letters, digits and '-'.", nameof(Name));
}

/// <summary>A stored value with its key and the ETag of the row it was read from, which guards the next change.</summary>
public sealed record StateEntry<T>(string Key, T Value, Azure.ETag ETag);
