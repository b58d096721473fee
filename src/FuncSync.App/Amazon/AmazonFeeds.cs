using System.Globalization;
using System.Text.Json.Nodes;
using FuncSync.Channels;
using FuncSync.Channels.State;
using FuncSync.Domain;
using FuncSync.Push;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;

namespace FuncSync.Amazon;

/// <summary>Timer: sends the quantity writes staged during many-SKU work as one <c>JSON_LISTINGS_FEED</c> and follows the
/// feeds Amazon has not finished. The runtime runs one tick at a time across instances (a blob-lease singleton), so
/// staged writes are sent once. Nothing outside the process can run this.</summary>
public sealed class AmazonFeedFunction(AmazonFeeds feeds, ChannelRegistry channels, ILogger<AmazonFeedFunction> logger)
{
    public const string Name = "AmazonFeeds";
    public const string ScheduleSetting = "Amazon:FeedSchedule";

    [Function(Name)]
    public async Task RunAsync([TimerTrigger("%" + ScheduleSetting + "%")] TimerInfo timer, CancellationToken cancellationToken)
    {
        if (!channels.IsEnabled(Channel.Amazon))
        {
            return;
        }

        try
        {
            await feeds.RunAsync(cancellationToken);
        }
        catch (ChannelThrottledException ex)
        {
            // The Feeds operations' rates are low (createFeed one every two minutes, getFeedDocument one every 45 s after
            // their bursts): what is left waits for the next tick, from the same state.
            logger.LogInformation("Amazon feeds wait for the rate limit: {Reason}", ex.Message);
        }
    }
}

/// <summary>What a listings feed carries and how far FuncSync followed it.</summary>
/// <param name="Woken">Amazon finished it and the pushes of its SKUs were woken to read their writes back; what is left
/// is its processing report.</param>
public sealed record AmazonFeedRecord(string FeedId, DateTimeOffset SubmittedAt, int Messages, bool Woken = false);

/// <summary>The listings feeds: createFeedDocument, the upload and createFeed with one PATCH message on
/// <c>/attributes/fulfillment_availability</c> per staged write (the same <c>merge</c> a single patch sends); then
/// getFeed until Amazon has processed it, when the pushes of its SKUs are woken to confirm their writes by read-back,
/// as a patch's are (a feed's DONE says processed, not shown); then its processing report, whose refused messages
/// are marked so that their SKUs' next writes go as patches and the refusal reaches the seller as a failing push.</summary>
public sealed class AmazonFeeds(
    AmazonApi amazon,
    AmazonPendingWrites pending,
    AmazonRateLimits limits,
    ChannelPushSender pushes,
    [FromKeyedServices(Channel.Amazon)] ChannelState state,
    IOptions<AmazonOptions> options,
    TimeProvider time,
    ILogger<AmazonFeeds> logger)
{
    /// <summary>The product type named when a listing's is unknown.</summary>
    public const string DefaultProductType = "PRODUCT";

    /// <summary>The listings feed's limit on messages (listings-feed-schema-v2 <c>messages.maxItems</c>).</summary>
    public const int MaxMessages = 25_000;

    private static readonly StateKind<AmazonFeedRecord> Kind = new("feeds", AmazonJson.Default.AmazonFeedRecord);

    /// <summary>One tick: follow the open feeds, then send what is staged.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var writes = await pending.ListAsync(cancellationToken);
        try
        {
            await FollowAsync(writes, cancellationToken);
        }
        catch (ChannelThrottledException ex)
        {
            // getFeedDocument allows one request every 45 s after a burst of 10: the reports left wait for a later tick,
            // and what is staged still goes now.
            logger.LogInformation("Following Amazon's listings feeds waits for the rate limit: {Reason}", ex.Message);
        }

        await SendStagedAsync(writes, cancellationToken);
    }

    /// <summary>The feeds sent and not yet finished with.</summary>
    public async Task<int> OpenAsync(CancellationToken cancellationToken)
    {
        var open = 0;
        await foreach (var _ in state.ListAsync(Kind, string.Empty, cancellationToken))
        {
            open++;
        }

        return open;
    }

    private async Task SendStagedAsync(IReadOnlyList<StateEntry<AmazonPendingWrite>> writes, CancellationToken cancellationToken)
    {
        var staged = writes.Where(w => w.Value.IsStaged).Take(MaxMessages).ToList();
        if (staged.Count == 0)
        {
            return;
        }

        // Take createFeed's token before creating a document: without it the document would be made for nothing.
        if (!limits.TryTakeNow(AmazonOperations.CreateFeed))
        {
            logger.LogInformation("{Count} Amazon writes staged; createFeed's next token is not due yet", staged.Count);
            return;
        }

        var settings = options.Value;
        var feed = new JsonObject
        {
            ["header"] = new JsonObject { ["sellerId"] = settings.SellerId, ["version"] = "2.0", ["issueLocale"] = "en_US" },
            ["messages"] = new JsonArray([.. staged.Select((w, i) => (JsonNode)new JsonObject
            {
                ["messageId"] = i + 1,
                ["sku"] = w.Key,
                ["operationType"] = "PATCH",
                ["productType"] = w.Value.ProductType ?? DefaultProductType,
                ["patches"] = new JsonArray(AmazonApi.QuantityPatch(w.Value.Quantity)),
            })]),
        };
        var feedId = await amazon.SubmitListingsFeedAsync(feed.ToJsonString(), cancellationToken, createFeedTokenTaken: true);
        var sent = time.GetUtcNow();

        // Recorded before the writes point at it, so a crash in between leaves writes staged (sent again: a feed sets
        // absolute quantities, so twice is harmless), never writes in a feed nobody follows.
        await state.UpsertAsync(Kind, feedId, new AmazonFeedRecord(feedId, sent, staged.Count), cancellationToken);
        var carried = 0;
        for (var i = 0; i < staged.Count; i++)
        {
            // A write replaced meanwhile (a newer quantity staged, or seen already) stays as it is: staged, it goes next tick.
            if (await pending.TryReplaceAsync(staged[i], staged[i].Value with { Submission = AmazonPendingWrite.FeedMessage(feedId, i + 1), AcceptedAt = sent }, cancellationToken))
            {
                carried++;
            }
        }

        logger.LogInformation("Amazon listings feed {FeedId} carries {Count} quantity writes", feedId, carried);
    }

    private async Task FollowAsync(IReadOnlyList<StateEntry<AmazonPendingWrite>> writes, CancellationToken cancellationToken)
    {
        await foreach (var entry in state.ListAsync(Kind, string.Empty, cancellationToken))
        {
            var feed = entry.Value;
            var (status, resultDocumentId) = await amazon.GetFeedAsync(feed.FeedId, cancellationToken);
            if (status is "IN_QUEUE" or "IN_PROGRESS")
            {
                continue;
            }

            var carried = writes.Where(w => w.Value.Submission.StartsWith(AmazonPendingWrite.OfFeed(feed.FeedId), StringComparison.Ordinal)).ToList();
            var current = entry;
            if (!feed.Woken)
            {
                // Processed: each SKU's push reads its write back now rather than at its own retry.
                await WakeAsync(carried, cancellationToken);
                current = await state.TryReplaceAsync(Kind, entry, feed with { Woken = true }, cancellationToken) ?? entry;
                logger.LogInformation("Amazon finished listings feed {FeedId} ({Status}): {Count} pushes woken to read back", feed.FeedId, status, carried.Count);
            }

            // CANCELLED or FATAL: nothing of the feed was applied, so every message counts as refused.
            var refused = status != "DONE" ? Enumerable.Range(1, feed.Messages).ToDictionary(m => m, _ => $"the feed ended {status}")
                : resultDocumentId is null ? []
                : Refused(await amazon.DownloadFeedDocumentAsync(resultDocumentId, cancellationToken), feed.Messages);
            var rejected = new List<StateEntry<AmazonPendingWrite>>();
            foreach (var write in carried)
            {
                if (refused.TryGetValue(MessageId(write.Value.Submission), out var reason)
                    && await pending.TryReplaceAsync(write, write.Value.Rejected(reason), cancellationToken))
                {
                    rejected.Add(write);
                }
            }

            if (rejected.Count > 0)
            {
                logger.LogWarning("Amazon refused {Count} messages of listings feed {FeedId}, e.g. {Sku}: {Reason}; their SKUs are written again as patches", rejected.Count, feed.FeedId, rejected[0].Key, refused[MessageId(rejected[0].Value.Submission)]);
                await WakeAsync(rejected, cancellationToken);
            }

            await state.TryDeleteAsync(Kind, current, cancellationToken);
        }
    }

    private async Task WakeAsync(IEnumerable<StateEntry<AmazonPendingWrite>> writes, CancellationToken cancellationToken)
    {
        foreach (var write in writes)
        {
            if (write.Value.MappedSku is { } sku)
            {
                await pushes.SendAsync(new SyncListing(sku, Channel.Amazon), cancellationToken);
            }
        }
    }

    /// <summary>The messages a processing report refuses (an issue of severity ERROR), with the reason; an ERROR naming no
    /// message refuses the whole feed when it accepted none.</summary>
    internal static Dictionary<int, string> Refused(string report, int messages)
    {
        var refused = new Dictionary<int, string>();
        JsonNode? document;
        try
        {
            document = JsonNode.Parse(report);
        }
        catch (System.Text.Json.JsonException)
        {
            document = null;
        }

        var accepted = (int?)document?["summary"]?["messagesAccepted"];
        foreach (var issue in document?["issues"] as JsonArray ?? [])
        {
            if ((string?)issue?["severity"] != "ERROR")
            {
                continue;
            }

            var reason = $"{(string?)issue!["code"]}: {(string?)issue["message"]}";
            if ((int?)issue["messageId"] is { } messageId)
            {
                refused.TryAdd(messageId, reason);
            }
            else if (accepted is null or 0)
            {
                for (var m = 1; m <= messages; m++)
                {
                    refused.TryAdd(m, reason);
                }
            }
        }

        return refused;
    }

    private static int MessageId(string submission) =>
        int.TryParse(submission[(submission.LastIndexOf(':') + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : 0;
}
