using System.Text.Json.Serialization;
using FuncSync.Channels.State;
using FuncSync.Domain;

namespace FuncSync.Amazon;

/// <summary>A quantity Amazon accepted for a SKU and has not yet been seen to apply (Amazon applies patches and feeds
/// minutes after <c>ACCEPTED</c>). Until <c>getListingsItem</c> shows it the write is not done: the push that made it
/// comes back to read again without patching again, and the allocation keeps treating Amazon as showing what it
/// showed before.</summary>
/// <param name="Submission">The patch's submission id, or <c>feed:&lt;id&gt;</c>.</param>
public sealed record AmazonPendingWrite(int Quantity, int Before, string Submission, DateTimeOffset AcceptedAt);

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

    public async Task<IReadOnlyList<(string Sku, AmazonPendingWrite Write)>> ListAsync(CancellationToken cancellationToken)
    {
        var all = new List<(string, AmazonPendingWrite)>();
        await foreach (var entry in state.ListAsync(Kind, string.Empty, cancellationToken))
        {
            all.Add((entry.Key, entry.Value));
        }

        return all;
    }
}

[JsonSerializable(typeof(AmazonPendingWrite))]
internal sealed partial class AmazonJson : JsonSerializerContext;
