using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace FuncSync.Cli;

/// <summary>A FuncSync app's admin HTTP API, the same locally and in Azure: base URL plus the key in <c>x-functions-key</c>.</summary>
public sealed class AdminApi(HttpClient http)
{
    public const string KeyHeader = "x-functions-key";

    public static AdminApi Create(Uri baseUrl, string? key, HttpMessageHandler? handler, TimeSpan timeout)
    {
        var http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        http.BaseAddress = baseUrl.AbsoluteUri.EndsWith('/') ? baseUrl : new Uri(baseUrl.AbsoluteUri + "/");
        http.Timeout = timeout;
        if (!string.IsNullOrEmpty(key))
        {
            http.DefaultRequestHeaders.Add(KeyHeader, key);
        }

        http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("funcsync-cli", "1.0"));
        return new AdminApi(http);
    }

    public Task<ApiAnswer> GetAsync(string path, CancellationToken cancellationToken) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Get, path), cancellationToken);

    public Task<ApiAnswer> SendJsonAsync(HttpMethod method, string path, string json, CancellationToken cancellationToken) =>
        SendAsync(new HttpRequestMessage(method, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") }, cancellationToken);

    public Task<ApiAnswer> SendTextAsync(HttpMethod method, string path, string text, string mediaType, CancellationToken cancellationToken) =>
        SendAsync(new HttpRequestMessage(method, path) { Content = new StringContent(text, Encoding.UTF8, mediaType) }, cancellationToken);

    /// <summary>Sends a file as the body, streamed from disk (an import of 50,000 SKUs is several megabytes).</summary>
    public async Task<ApiAnswer> SendFileAsync(HttpMethod method, string path, FileInfo file, string mediaType, CancellationToken cancellationToken)
    {
        await using var stream = file.OpenRead();
        var content = new StreamContent(stream);
        content.Headers.ContentType = new MediaTypeHeaderValue(mediaType) { CharSet = "utf-8" };
        return await SendAsync(new HttpRequestMessage(method, path) { Content = content }, cancellationToken);
    }

    private async Task<ApiAnswer> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using (request)
        {
            try
            {
                using var response = await http.SendAsync(request, cancellationToken);
                var body = await response.Content.ReadAsStringAsync(cancellationToken);
                return new ApiAnswer(response.StatusCode, body);
            }
            catch (HttpRequestException ex)
            {
                throw new ApiUnreachableException($"{http.BaseAddress} could not be reached: {ex.Message}", ex);
            }
            catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
            {
                throw new ApiUnreachableException($"{http.BaseAddress} did not answer within {http.Timeout.TotalSeconds:0} s.", ex);
            }
        }
    }
}

/// <summary>An answer of the API: its status and raw body (printed as is with <c>--json</c>).</summary>
public sealed record ApiAnswer(HttpStatusCode Status, string Body)
{
    public bool IsSuccess => (int)Status is >= 200 and < 300;

    public JsonElement Json()
    {
        using var document = JsonDocument.Parse(Body.Length == 0 ? "null" : Body);
        return document.RootElement.Clone();
    }

    /// <summary>The one sentence a FuncSync error body carries, or the status when there is none.</summary>
    public string Error()
    {
        try
        {
            var json = Json();
            if (json.ValueKind == JsonValueKind.Object && json.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.String)
            {
                return error.GetString()!;
            }
        }
        catch (JsonException)
        {
            // Not JSON: fall back to the status below.
        }

        return $"HTTP {(int)Status} {Status}";
    }
}

public sealed class ApiUnreachableException(string message, Exception inner) : Exception(message, inner);
