using System.Globalization;
using FuncSync.Channels.State;
using FuncSync.Domain;

namespace FuncSync.Etsy;

/// <summary>The listings FuncSync deactivated to show zero, one row each. Only those are reactivated when stock
/// returns: a listing the seller switched off stays off.</summary>
public sealed class EtsyDeactivations([FromKeyedServices(Channel.Etsy)] ChannelState state, TimeProvider time)
{
    public async Task<bool> IsDeactivatedByUsAsync(long listingId, CancellationToken cancellationToken) =>
        await state.GetAsync(EtsyState.DeactivatedListings, Key(listingId), cancellationToken) is not null;

    /// <summary>Written before the listing is switched off: a crash in between leaves a row for an active listing,
    /// which is harmless (an active listing is never "reactivated"), never an unrecorded deactivation.</summary>
    public Task RecordAsync(long listingId, CancellationToken cancellationToken) =>
        state.UpsertAsync(EtsyState.DeactivatedListings, Key(listingId), new EtsyDeactivation(time.GetUtcNow()), cancellationToken);

    public Task ForgetAsync(long listingId, CancellationToken cancellationToken) =>
        state.DeleteAsync(EtsyState.DeactivatedListings, Key(listingId), cancellationToken);

    private static string Key(long listingId) => listingId.ToString(CultureInfo.InvariantCulture);
}
