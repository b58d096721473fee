using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace FuncSync.Simulators.Hosting;

internal static class SimulatorJson
{
    // Relaxed escaping keeps "+00:00" and "#1001" literal, as the real services send them.
    private static readonly JsonSerializerOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string ToJson(JsonNode node) => node.ToJsonString(Options);

    public static byte[] ToUtf8(JsonNode node) => Encoding.UTF8.GetBytes(ToJson(node));

    public static Task WriteAsync(HttpContext context, int status, JsonNode body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        return context.Response.WriteAsync(ToJson(body), context.RequestAborted);
    }

    /// <summary>Parses the request body; null when it is empty or not JSON (the caller answers 400).</summary>
    public static async Task<JsonNode?> TryReadAsync(HttpRequest request, CancellationToken ct)
    {
        try
        {
            return await JsonNode.ParseAsync(request.Body, cancellationToken: ct);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static JsonArray Array(IEnumerable<JsonNode?> items) => new([.. items]);
}
