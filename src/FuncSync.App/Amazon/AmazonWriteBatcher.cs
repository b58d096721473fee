using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;

namespace FuncSync.Amazon;

/// <summary>Gathers the quantity writes that wait at the same time. The first write goes out at once as a
/// <c>patchListingsItem</c>; writes that arrive while it is on the wire (or waiting for its token) form the next round.
/// A round of at least <see cref="AmazonOptions.FeedThreshold"/> writes (a reconciliation fix, a catalog import) goes
/// as one <c>JSON_LISTINGS_FEED</c> of PATCH messages when createFeed has a token now (its rate is one every two
/// minutes), else as patches. Either way Amazon only accepts: each write is confirmed by its own read-back.</summary>
public sealed class AmazonWriteBatcher(AmazonRateLimits limits, IOptions<AmazonOptions> options, ILogger<AmazonWriteBatcher> logger)
{
    private readonly Lock _gate = new();
    private readonly List<Pending> _queue = [];
    private bool _flushing;

    /// <summary>Answers the submission: a patch's submission id, or <c>feed:&lt;id&gt;</c>. A caller that finds no round
    /// in progress sends rounds through its own <paramref name="amazon"/> client until the queue is empty.</summary>
    public async Task<string> SubmitAsync(AmazonApi amazon, string sku, string productType, int quantity, CancellationToken cancellationToken)
    {
        var pending = new Pending(sku, productType, quantity);
        bool leads;
        lock (_gate)
        {
            _queue.Add(pending);
            leads = !_flushing;
            _flushing = true;
        }

        if (leads)
        {
            await FlushAsync(amazon, cancellationToken);
        }

        return await pending.Completion.Task.WaitAsync(cancellationToken);
    }

    private async Task FlushAsync(AmazonApi amazon, CancellationToken cancellationToken)
    {
        while (true)
        {
            List<Pending> round;
            lock (_gate)
            {
                round = [.. _queue];
                _queue.Clear();
                if (round.Count == 0)
                {
                    _flushing = false;
                    return;
                }
            }

            if (round.Count >= options.Value.FeedThreshold && limits.TryTakeNow(AmazonOperations.CreateFeed))
            {
                await SendFeedAsync(amazon, round, cancellationToken);
            }
            else
            {
                foreach (var write in round)
                {
                    await SendPatchAsync(amazon, write, cancellationToken);
                }
            }
        }
    }

    private static async Task SendPatchAsync(AmazonApi amazon, Pending write, CancellationToken cancellationToken)
    {
        try
        {
            write.Completion.TrySetResult(await amazon.PatchQuantityAsync(write.Sku, write.ProductType, write.Quantity, cancellationToken));
        }
        catch (Exception ex)
        {
            write.Completion.TrySetException(ex);
        }
    }

    private async Task SendFeedAsync(AmazonApi amazon, List<Pending> round, CancellationToken cancellationToken)
    {
        // The latest write per SKU wins; an earlier one of the same SKU is answered by the same submission.
        var latest = round.GroupBy(w => w.Sku, StringComparer.Ordinal).Select(g => g.Last()).ToList();
        var feed = new JsonObject
        {
            ["header"] = new JsonObject { ["sellerId"] = options.Value.SellerId, ["version"] = "2.0", ["issueLocale"] = "en_US" },
            ["messages"] = new JsonArray([.. latest.Select((w, i) => (JsonNode)new JsonObject
            {
                ["messageId"] = i + 1,
                ["sku"] = w.Sku,
                ["operationType"] = "PATCH",
                ["productType"] = w.ProductType,
                ["patches"] = new JsonArray(AmazonApi.QuantityPatch(w.Quantity)),
            })]),
        };
        try
        {
            var feedId = await amazon.SubmitListingsFeedAsync(feed.ToJsonString(), cancellationToken, createFeedTokenTaken: true);
            logger.LogInformation("Amazon listings feed {FeedId} carries {Count} quantity writes", feedId, latest.Count);
            foreach (var write in round)
            {
                write.Completion.TrySetResult("feed:" + feedId);
            }
        }
        catch (Exception ex)
        {
            foreach (var write in round)
            {
                write.Completion.TrySetException(ex);
            }
        }
    }

    private sealed class Pending(string sku, string productType, int quantity)
    {
        public string Sku { get; } = sku;

        public string ProductType { get; } = productType;

        public int Quantity { get; } = quantity;

        public TaskCompletionSource<string> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
