using System.Collections.Frozen;
using System.Reflection;

namespace FuncSync.Dashboard;

/// <summary>The dashboard's pages, scripts and styles, embedded in the app so it needs no separate
/// front-end server, build step or file on disk.</summary>
public sealed class DashboardAssets
{
    private const string ResourcePrefix = "dashboard/";

    // Scripts and styles come from this app only; the pages never frame or are framed.
    private const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

    private static readonly FrozenDictionary<string, string> ContentTypes = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        [".html"] = "text/html; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".svg"] = "image/svg+xml",
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    private readonly FrozenDictionary<string, byte[]> _files;

    public DashboardAssets()
    {
        var assembly = typeof(DashboardAssets).Assembly;
        _files = assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal))
            .ToFrozenDictionary(n => n[ResourcePrefix.Length..], n => Read(assembly, n), StringComparer.Ordinal);
    }

    public IReadOnlyCollection<string> Files => _files.Keys;

    public IResult Serve(string? path, HttpContext context)
    {
        if (string.IsNullOrEmpty(path))
        {
            // Relative links in the page resolve against the folder, so the folder ends in a slash.
            if (!context.Request.Path.Value!.EndsWith('/'))
            {
                return Results.Redirect(context.Request.PathBase + context.Request.Path + "/");
            }

            path = "index.html";
        }

        if (!_files.TryGetValue(path, out var bytes) || !ContentTypes.TryGetValue(Path.GetExtension(path), out var type))
        {
            return Results.NotFound();
        }

        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers.CacheControl = "no-cache";
        return Results.Bytes(bytes, type);
    }

    private static byte[] Read(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }
}
