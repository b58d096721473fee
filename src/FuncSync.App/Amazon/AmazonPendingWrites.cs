using System.Text.Json.Serialization;
using FuncSync.Channels.State;
using FuncSync.Domain;

namespace FuncSync.Amazon;

/// <summary>A quantity Amazon accepted for a SKU and has not yet been seen to apply (Amazon applies patches and feeds
/// minutes after <c>ACCEPTED</c>). Until <c>getListingsItem</c> shows it the write is not done: the push that made it
/// comes back to read again without patching again, and the allocation keeps treating Amazon as showing what it
/// showed before.</summary>
/// <param name="Submission">The patch's submission id; <see cref="Staged"/> while it waits for the next listings feed;
/// <c>feed:&lt;feedId&gt;:&lt;messageId&gt;</c> once a feed carries it; <c>rejected:&lt;reason&gt;</c> when the feed's
/// processing report refused it (the next write of the SKU goes as a patch, whose refusal the push reports).</param>
/// <param name="AcceptedAt">When Amazon accepted it (a staged write: when it was staged).</param>
/// <param name="ProductType">The listing's product type, which a feed message must name (a staged write).</param>
/// <param name="MappedSku">FuncSync's SKU of the listing, whose push the feeds timer wakes (a staged write).</param>
public sealed record AmazonPendingWrite(int Quantity, int Before, string Submission, DateTimeOffset AcceptedAt, string? ProductType = null, string? MappedSku = null)
{
    public const string Staged = "staged";

    private const string FeedPrefix = "feed:";
    private const string RejectedPrefix = "rejected:";

    public bool IsStaged => Submission == Staged;

    public bool InFeed => Submission.StartsWith(FeedPrefix, StringComparison.Ordinal);

    public bool IsRejected => Submission.StartsWith(RejectedPrefix, StringComparison.Ordinal);

    /// <summary>Waiting for a feed: staged for the next one, or carried by one Amazon has not finished.</summary>
    public bool AwaitsFeed => IsStaged || InFeed;

    public static string FeedMessage(string feedId, int messageId) =>
        FeedPrefix + feedId + ":" + messageId.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The prefix of every write one feed carries.</summary>
    public static string OfFeed(string feedId) => FeedPrefix + feedId + ":";

    public AmazonPendingWrite Rejected(string reason) => this with { Submission = RejectedPrefix + reason };
}

/// <summary>Pending writes per Amazon SKU, in the channel's private state (shared by every instance).</summary>
public sealed class AmazonPendingWrites([FromKeyedServices(Channel.Amazon)] ChannelState state)
{
    private static readonly StateKind<AmazonPendingWrite> Kind = new("pending-writes", AmazonJson.Default.AmazonPendingWrite);

    public async Task<AmazonPendingWrite?> GetAsync(string sku, CancellationToken cancellationToken) =>
        (await state.GetAsync(Kind, sku, cancellationToken))?.Value;

    public Task RecordAsync(string sku, AmazonPendingWrite write, CancellationToken cancellationToken) =>
        state.UpsertAsync(Kind, sku, write, cancellationToken);

    /// <summary>The write is seen on Amazon: forgets it, unless a newer one replaced it meanwhile.</summary>
    public async Task ConfirmedAsync(string sku, AmazonPendingWrite write, CancellationToken cancellationToken)
    {
        if (await state.GetAsync(Kind, sku, cancellationToken) is { } stored && stored.Value == write)
        {
            await state.TryDeleteAsync(Kind, stored, cancellationToken);
        }
    }

    /// <summary>Every pending write (one partition query), keyed by SKU, with the ETag each was read with.</summary>
    public async Task<IReadOnlyList<StateEntry<AmazonPendingWrite>>> ListAsync(CancellationToken cancellationToken)
    {
        var all = new List<StateEntry<AmazonPendingWrite>>();
        await foreach (var entry in state.ListAsync(Kind, string.Empty, cancellationToken))
        {
            all.Add(entry);
        }

        return all;
    }

    /// <summary>Replaces the write if it is still the one read; false when a newer write of the SKU replaced it (or it was
    /// seen and forgotten) meanwhile.</summary>
    public async Task<bool> TryReplaceAsync(StateEntry<AmazonPendingWrite> current, AmazonPendingWrite write, CancellationToken cancellationToken) =>
        await state.TryReplaceAsync(Kind, current, write, cancellationToken) is not null;
}

[JsonSerializable(typeof(AmazonPendingWrite))]
[JsonSerializable(typeof(AmazonFeedRecord))]
internal sealed partial class AmazonJson : JsonSerializerContext;
