using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace FuncSync.Bench;

/// <summary>Counts the storage requests this process makes to Azurite, by kind (service, method and what is
/// addressed, with keys and ids left out), from the HTTP client's own activities: the app runs in the bench's
/// process, so every request it makes to storage passes through here, with nothing added to the app.</summary>
internal sealed partial class StorageOperations : IDisposable
{
    private readonly ActivityListener _listener;
    private readonly Dictionary<int, string> _services;
    private readonly ConcurrentDictionary<string, int> _counts = new(StringComparer.Ordinal);

    private readonly bool _blobNames;
    private readonly long _started = Stopwatch.GetTimestamp();

    // Per kind and 10 s since counting started: the requests' total duration and count, for which kind slows when.
    private readonly ConcurrentDictionary<(string Kind, int Window), (double Ms, int Count)> _windows = new();

    /// <param name="blobNames">Name each blob (e.g. a timer's lock or status blob) instead of only its container.</param>
    public StorageOperations(int blobPort, int queuePort, int tablePort, bool blobNames = false)
    {
        _blobNames = blobNames;
        _services = new() { [blobPort] = "blob", [queuePort] = "queue", [tablePort] = "table" };
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "System.Net.Http",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStopped = Count,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    /// <summary>Counts since the last call, by kind, and starts counting afresh.</summary>
    public IReadOnlyDictionary<string, int> Take()
    {
        var taken = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var key in _counts.Keys)
        {
            if (_counts.TryRemove(key, out var n))
            {
                taken[key] = n;
            }
        }

        return taken;
    }

    /// <summary>The most frequent kinds, one line each: mean duration in ms and count in each 10 s since counting started
    /// ("-" for none). A kind that slows, or appears, in the 10 s where orders slow is where to look.</summary>
    public IReadOnlyList<string> ByWindow(int kinds = 12)
    {
        var windows = _windows.IsEmpty ? 0 : _windows.Keys.Max(k => k.Window) + 1;
        return [.. _windows.GroupBy(w => w.Key.Kind)
            .OrderByDescending(g => g.Sum(w => w.Value.Count))
            .Take(kinds)
            .Select(g => string.Create(
                CultureInfo.InvariantCulture,
                $"{g.Key,-48} {string.Join(" ", Enumerable.Range(0, windows).Select(i => _windows.TryGetValue((g.Key, i), out var w) ? $"{w.Ms / w.Count,5:F1}/{w.Count}" : "-"))}"))];
    }

    public void Dispose() => _listener.Dispose();

    private void Count(Activity activity)
    {
        var url = activity.GetTagItem("url.full") as string;
        if (url is null || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || !_services.TryGetValue(uri.Port, out var service))
        {
            return;
        }

        var method = activity.GetTagItem("http.request.method") as string ?? "?";
        var kind = Kind(service, method, uri, _blobNames);
        _counts.AddOrUpdate(kind, 1, static (_, n) => n + 1);
        var window = (int)(Stopwatch.GetElapsedTime(_started).TotalSeconds / 10);
        var ms = activity.Duration.TotalMilliseconds;
        _windows.AddOrUpdate((kind, window), (ms, 1), (_, sum) => (sum.Ms + ms, sum.Count + 1));
    }

    // "queue POST inventory-events/messages", "table GET Ledger(PK,RK)", "table POST $batch"; with blob names,
    // "blob PUT funcsync-hosts/locks/{host}/OutboxSweeper.Listener?comp=lease".
    private static string Kind(string service, string method, Uri uri, bool blobNames)
    {
        var path = Uri.UnescapeDataString(uri.AbsolutePath);
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries).Skip(1).ToArray();
        var target = service switch
        {
            "queue" => parts.Length > 2 ? $"{parts[0]}/{parts[1]}/{{id}}" : string.Join('/', parts),
            // A point read or write addresses Table(PartitionKey='…',RowKey='…'); a query, Table().
            "table" => KeyPart().Replace(parts.FirstOrDefault() ?? "", m => m.Groups[1].Value + (m.Groups[2].Value.Length == 0 ? " query" : "(key)")),
            _ when blobNames => string.Join('/', parts) + (CompPart().Match(uri.Query) is { Success: true } comp ? "?" + comp.Value : ""),
            _ => parts.FirstOrDefault() ?? "",
        };
        return string.Create(CultureInfo.InvariantCulture, $"{service} {method} {target}");
    }

    [GeneratedRegex(@"^([^(]+)\((.*)\)$")]
    private static partial Regex KeyPart();

    [GeneratedRegex(@"comp=[a-z]+")]
    private static partial Regex CompPart();
}
