using System.Net.Http.Json;
using System.Text;
using FuncSync.Json;
using FuncSync.Skus;

namespace FuncSync.App.Tests.Infrastructure;

/// <summary>The admin API as a seller's script would call it.</summary>
internal static class AdminCalls
{
    public static Task<HttpResponseMessage> CountAsync(this FuncSyncTestApp app, string sku, string json, string? idempotencyKey = null) =>
        SendAsync(app, HttpMethod.Put, $"api/skus/{sku}/count", json, idempotencyKey);

    public static Task<HttpResponseMessage> AdjustAsync(this FuncSyncTestApp app, string sku, string json) =>
        SendAsync(app, HttpMethod.Post, $"api/skus/{sku}/adjustments", json, null);

    public static Task<HttpResponseMessage> InspectAsync(this FuncSyncTestApp app, string sku, string json) =>
        SendAsync(app, HttpMethod.Post, $"api/skus/{sku}/inspections", json, null);

    public static async Task<StockChanged> ReadChangeAsync(this HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {body}");
        return System.Text.Json.JsonSerializer.Deserialize(body, FuncSyncJson.Default.StockChanged)!;
    }

    public static async Task<SkuHistory> HistoryAsync(this FuncSyncTestApp app, string sku, string query = "") =>
        (await app.Http.GetFromJsonAsync($"api/skus/{sku}/history{query}", FuncSyncJson.Default.SkuHistory))!;

    public static async Task<SkuStatus> StatusAsync(this FuncSyncTestApp app, string sku) =>
        (await app.Http.GetFromJsonAsync($"api/skus/{sku}", FuncSyncJson.Default.SkuStatus))!;

    private static Task<HttpResponseMessage> SendAsync(FuncSyncTestApp app, HttpMethod method, string path, string json, string? idempotencyKey)
    {
        var request = new HttpRequestMessage(method, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        return app.Http.SendAsync(request);
    }
}
