using FuncSync.Catalog;
using FuncSync.Domain;
using FuncSync.Push;
using Microsoft.Extensions.Options;

namespace FuncSync.Amazon;

/// <summary>The push's read and write of Amazon. What Amazon shows for a SKU is its merchant-fulfilled
/// (<c>DEFAULT</c>) quantity; FBA stock is Amazon's own and never written. A write is <c>patchListingsItem</c> with
/// <c>merge</c> (lead time and restock date kept), which Amazon only accepts: it is done when <c>getListingsItem</c>
/// shows the new quantity, which can take minutes. So a write waits here up to <see cref="AmazonOptions.ConfirmWithin"/>
/// for its read-back; not shown by then, it stays pending (<see cref="AmazonPendingWrites"/>) and the push is handed
/// back as throttled, to return after <see cref="AmazonOptions.ConfirmRetry"/>: its record keeps what Amazon showed
/// before, so the allocation counts Amazon at the old number until the write is seen, and the returning push checks
/// again without patching again. During many-SKU work (<see cref="AmazonWriteLoad"/>) a write is staged instead, for
/// the next <c>JSON_LISTINGS_FEED</c> (<see cref="AmazonFeeds"/>), and the push comes back when that feed is processed,
/// to confirm it by the same read-back. Amazon has no compare-and-set: the push serialises, reads before and reads
/// back.</summary>
public sealed class AmazonInventory(AmazonApi amazon, AmazonWriteLoad load, AmazonPendingWrites pending, IOptions<AmazonOptions> options, TimeProvider time, ILogger<AmazonInventory> logger) : IChannelInventory
{
    public Channel Channel => Channel.Amazon;

    public async Task<ChannelStock> ReadAsync(SkuMapping mapping, CancellationToken cancellationToken)
    {
        var sku = SellerSku(mapping);
        var state = await amazon.GetListingsItemAsync(sku, cancellationToken)
            ?? throw new ChannelRequestException($"Amazon has no listing with seller SKU {sku} in marketplace {options.Value.MarketplaceId}.");
        if (await pending.GetAsync(sku, cancellationToken) is { } write && write.Quantity == state.Quantity)
        {
            // A push that comes back finds its write applied: seen here, so done (the push decides nothing is left to write).
            await SeenAsync(sku, write, cancellationToken);
        }

        return new ChannelStock(state.Quantity, state);
    }

    public async Task WriteAsync(SkuMapping mapping, ChannelStock current, int quantity, CancellationToken cancellationToken)
    {
        var sku = SellerSku(mapping);
        var state = current.Snapshot as AmazonListingState ?? (AmazonListingState)(await ReadAsync(mapping, cancellationToken)).Snapshot!;
        if (state.MerchantQuantity is null)
        {
            // Writing DEFAULT onto an FBA-only listing would add merchant-fulfilled stock Amazon does not hold for the seller.
            throw new ChannelRequestException($"Amazon listing {sku} has no merchant-fulfilled (DEFAULT) stock{(state.HasFbaStock ? "; its stock is FBA, which FuncSync never writes" : string.Empty)}.");
        }

        var settings = options.Value;
        var now = time.GetUtcNow();
        var write = await pending.GetAsync(sku, cancellationToken);
        var lost = write is not null && now - write.AcceptedAt > settings.PatchLostAfter;
        if (write is { AwaitsFeed: true } && write.Quantity == quantity && !lost)
        {
            // Staged or in a feed Amazon has not finished: the feeds timer wakes this push when it has. Reading back
            // before then would only spend getListingsItem's rate.
            throw WaitingForFeed(sku, write);
        }

        // The same quantity accepted a moment ago, with Amazon still showing what it showed before it: that patch is on its
        // way, so wait for it instead of sending another.
        if (write is null || write.Quantity != quantity || write.Before != current.Quantity || lost || write.IsRejected)
        {
            // A SKU whose feed message was refused goes as a patch, whose refusal names the problem to the push.
            if (load.CountIsBulk() && write is not { IsRejected: true })
            {
                write = new AmazonPendingWrite(quantity, current.Quantity, AmazonPendingWrite.Staged, now, state.ProductType ?? AmazonFeeds.DefaultProductType, mapping.Sku);
                await pending.RecordAsync(sku, write, cancellationToken);
                logger.LogDebug("Amazon write of {Quantity} for {Sku} staged for the next listings feed", quantity, sku);
                throw WaitingForFeed(sku, write);
            }

            var submission = await amazon.PatchQuantityAsync(sku, state.ProductType ?? AmazonFeeds.DefaultProductType, quantity, cancellationToken);
            write = new AmazonPendingWrite(quantity, current.Quantity, submission, time.GetUtcNow());
            await pending.RecordAsync(sku, write, cancellationToken);
            logger.LogInformation("Amazon accepted {Quantity} for {Sku} (submission {Submission}); waiting to see it", quantity, sku, submission);
        }

        if (await ConfirmAsync(sku, write, cancellationToken))
        {
            return;
        }

        throw new ChannelThrottledException(
            $"Amazon accepted {quantity} for {sku} at {write.AcceptedAt:O} and does not show it yet; looking again later.",
            System.Net.HttpStatusCode.Accepted,
            options.Value.ConfirmRetry);
    }

    private ChannelThrottledException WaitingForFeed(string sku, AmazonPendingWrite write) => new(
        $"Amazon's write of {write.Quantity} for {sku} waits for a listings feed ({write.Submission}); looking again when the feed is processed.",
        System.Net.HttpStatusCode.Accepted,
        options.Value.FeedRetry);

    /// <summary>Reads the listing back until it shows the pending quantity or <see cref="AmazonOptions.ConfirmWithin"/>
    /// has passed.</summary>
    private async Task<bool> ConfirmAsync(string sku, AmazonPendingWrite write, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var started = time.GetTimestamp();
        while (true)
        {
            var shown = await amazon.GetListingsItemAsync(sku, cancellationToken);
            if (shown?.Quantity == write.Quantity)
            {
                await SeenAsync(sku, write, cancellationToken);
                return true;
            }

            if (time.GetElapsedTime(started) + settings.ConfirmPollInterval > settings.ConfirmWithin)
            {
                return false;
            }

            await Task.Delay(settings.ConfirmPollInterval, time, cancellationToken);
        }
    }

    private async Task SeenAsync(string sku, AmazonPendingWrite write, CancellationToken cancellationToken)
    {
        await pending.ConfirmedAsync(sku, write, cancellationToken);
        logger.LogInformation("Amazon shows {Quantity} for {Sku}, {Lag} after it accepted it", write.Quantity, sku, time.GetUtcNow() - write.AcceptedAt);
    }

    internal static string SellerSku(SkuMapping mapping) =>
        mapping.Amazon?.SellerSku ?? throw new InvalidOperationException($"{mapping.Sku} has no Amazon listing.");
}
