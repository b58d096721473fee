using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using FuncSync.Simulators.Hosting;
using Microsoft.AspNetCore.Http;

namespace FuncSync.Simulators.Amazon;

/// <summary>The Feeds API (2021-06-30) for <c>JSON_LISTINGS_FEED</c>: a document is created, its content uploaded to the
/// URL the answer gives, the feed created on it; Amazon processes it later, and <c>getFeed</c> says DONE with a
/// processing report. Each PATCH message applies like a <c>patchListingsItem</c>.</summary>
public sealed partial class AmazonSimulator
{
    /// <summary>The listings feed's limit on messages.</summary>
    public const int MaxFeedMessages = 25_000;

    private const string FeedsPrefix = "/feeds/2021-06-30/";
    private const string UploadPrefix = "/feeds-upload/";
    private const string DownloadPrefix = "/feeds-download/";

    private readonly Dictionary<string, AmazonFeed> _feeds = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string?> _documents = new(StringComparer.Ordinal);

    /// <summary>Feeds created so far.</summary>
    public int FeedsCreated
    {
        get
        {
            lock (_gate)
            {
                return _feeds.Count;
            }
        }
    }

    private async Task FeedsAsync(HttpContext context, string operation, string path)
    {
        switch (operation)
        {
            case AmazonRateLimit.CreateFeedDocument:
                var body = await SimulatorJson.TryReadAsync(context.Request, context.RequestAborted);
                if (Text(body?["contentType"]) is null)
                {
                    await ErrorAsync(context, 400, "InvalidInput", "contentType is required.");
                    return;
                }

                string documentId;
                lock (_gate)
                {
                    documentId = "amzn1.tortuga.4." + _ids.NextGuid().ToString("N");
                    _documents[documentId] = null;
                }

                await SimulatorJson.WriteAsync(context, 201, new JsonObject { ["feedDocumentId"] = documentId, ["url"] = new Uri(BaseUrl, UploadPrefix[1..] + documentId).ToString() });
                return;
            case AmazonRateLimit.CreateFeed:
                await CreateFeedAsync(context);
                return;
            case AmazonRateLimit.GetFeed:
                await GetFeedAsync(context, Uri.UnescapeDataString(path[(FeedsPrefix.Length + "feeds/".Length)..]));
                return;
            default:
                var id = Uri.UnescapeDataString(path[(FeedsPrefix.Length + "documents/".Length)..]);
                bool known;
                lock (_gate)
                {
                    known = _documents.ContainsKey(id);
                }

                await (known
                    ? SimulatorJson.WriteAsync(context, 200, new JsonObject { ["feedDocumentId"] = id, ["url"] = new Uri(BaseUrl, DownloadPrefix[1..] + id).ToString() })
                    : ErrorAsync(context, 404, "NotFound", $"Feed document {id} not found."));
                return;
        }
    }

    /// <summary>The pre-signed upload and download URLs (S3 in Amazon's case): no SP-API token, no rate limit.</summary>
    private async Task DocumentTransferAsync(HttpContext context, string path)
    {
        var upload = path.StartsWith(UploadPrefix, StringComparison.Ordinal);
        var id = Uri.UnescapeDataString(path[(upload ? UploadPrefix : DownloadPrefix).Length..]);
        if (upload && context.Request.Method == "PUT")
        {
            using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
            var content = await reader.ReadToEndAsync(context.RequestAborted);
            lock (_gate)
            {
                if (_documents.ContainsKey(id))
                {
                    _documents[id] = content;
                    context.Response.StatusCode = 200;
                    return;
                }
            }

            context.Response.StatusCode = 403;
            return;
        }

        string? stored = null;
        lock (_gate)
        {
            _ = !upload && context.Request.Method == "GET" && _documents.TryGetValue(id, out stored);
        }

        context.Response.StatusCode = stored is null ? 404 : 200;
        if (stored is not null)
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(stored, context.RequestAborted);
        }
    }

    private async Task CreateFeedAsync(HttpContext context)
    {
        var body = await SimulatorJson.TryReadAsync(context.Request, context.RequestAborted);
        var type = Text(body?["feedType"]);
        var documentId = Text(body?["inputFeedDocumentId"]);
        if (type != "JSON_LISTINGS_FEED" || documentId is null || body?["marketplaceIds"] is not JsonArray { Count: > 0 })
        {
            await ErrorAsync(context, 400, "InvalidInput", "feedType JSON_LISTINGS_FEED, marketplaceIds and inputFeedDocumentId are required.");
            return;
        }

        string? content;
        lock (_gate)
        {
            _documents.TryGetValue(documentId, out content);
        }

        if (content is null)
        {
            await ErrorAsync(context, 400, "InvalidInput", $"Feed document {documentId} has no content: upload it first.");
            return;
        }

        string feedId;
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            feedId = _ids.NextStart(50_000_000_000, 9_000_000_000).ToString(CultureInfo.InvariantCulture);
            var feed = new AmazonFeed(feedId, type, documentId, now, now + Options.FeedProcessingDelay);
            var report = Process(feed, content);
            feed.ResultDocumentId = "amzn1.tortuga.4.result." + _ids.NextGuid().ToString("N");
            _documents[feed.ResultDocumentId] = SimulatorJson.ToJson(report);
            _feeds[feedId] = feed;
        }

        await SimulatorJson.WriteAsync(context, 202, new JsonObject { ["feedId"] = feedId });
    }

    /// <summary>Queues each valid PATCH message's patches to apply when the feed is done; returns the processing report.
    /// Callers hold the lock.</summary>
    private JsonObject Process(AmazonFeed feed, string content)
    {
        var issues = new JsonArray();
        var (processed, accepted) = (0, 0);
        JsonNode? document;
        try
        {
            document = JsonNode.Parse(content);
        }
        catch (System.Text.Json.JsonException)
        {
            document = null;
        }

        var messages = document?["messages"] as JsonArray;
        if (Text(document?["header"]?["sellerId"]) != Options.SellerId || messages is null || messages.Count > MaxFeedMessages)
        {
            issues.Add(new JsonObject { ["code"] = "4000", ["severity"] = "ERROR", ["message"] = $"The feed needs header.sellerId {Options.SellerId} and 1 to {MaxFeedMessages} messages." });
            messages = [];
        }

        foreach (var message in messages)
        {
            processed++;
            var messageId = (int?)message?["messageId"] ?? 0;
            var sku = Text(message?["sku"]);
            string? problem = null;
            IReadOnlyList<AmazonPatchOperation> operations = [];
            if (sku is null || !_listings.ContainsKey(sku))
            {
                problem = $"SKU '{sku}' does not exist for this seller.";
            }
            else if (Text(message!["operationType"]) != "PATCH" || Text(message["productType"]) is null || message["patches"] is not JsonArray patches)
            {
                problem = "The simulator serves PATCH messages with productType and patches.";
            }
            else
            {
                (operations, problem) = ReadPatches(patches);
            }

            if (problem is null)
            {
                accepted++;
                _pending.Add(new AmazonPendingPatch(sku!, feed.Id + ":" + messageId.ToString(CultureInfo.InvariantCulture), operations, feed.DoneAt));
            }
            else
            {
                issues.Add(new JsonObject { ["messageId"] = messageId, ["code"] = "90220", ["severity"] = "ERROR", ["message"] = problem });
            }
        }

        return new JsonObject
        {
            ["header"] = new JsonObject { ["sellerId"] = Options.SellerId, ["version"] = "2.0", ["feedId"] = feed.Id },
            ["issues"] = issues,
            ["summary"] = new JsonObject
            {
                ["errors"] = issues.Count,
                ["warnings"] = 0,
                ["messagesProcessed"] = processed,
                ["messagesAccepted"] = accepted,
                ["messagesInvalid"] = processed - accepted,
            },
        };
    }

    private async Task GetFeedAsync(HttpContext context, string feedId)
    {
        JsonObject? body = null;
        lock (_gate)
        {
            if (_feeds.TryGetValue(feedId, out var feed))
            {
                body = new JsonObject
                {
                    ["feedId"] = feed.Id,
                    ["feedType"] = feed.Type,
                    ["marketplaceIds"] = new JsonArray(Options.MarketplaceId),
                    ["createdTime"] = Iso(feed.CreatedAt),
                    ["processingStatus"] = feed.Status,
                };
                if (feed.Status == "DONE")
                {
                    body["processingStartTime"] = Iso(feed.CreatedAt);
                    body["processingEndTime"] = Iso(feed.DoneAt);
                    body["resultFeedDocumentId"] = feed.ResultDocumentId;
                }
            }
        }

        await (body is null ? ErrorAsync(context, 404, "NotFound", $"Feed {feedId} not found.") : SimulatorJson.WriteAsync(context, 200, body));
    }
}
