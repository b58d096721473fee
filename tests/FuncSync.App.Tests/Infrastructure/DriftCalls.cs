using System.Net.Http.Json;
using Azure.Data.Tables;
using FuncSync.Json;
using FuncSync.Reconciliation;

namespace FuncSync.App.Tests.Infrastructure;

/// <summary>The drift endpoints and the stored alerts, as the tests read them.</summary>
internal static class DriftCalls
{
    public static async Task<ReconciliationReport> ReconcileAsync(this FuncSyncTestApp app, bool fix)
    {
        using var response = await app.Http.PostAsync($"api/reconcile?fix={(fix ? "true" : "false")}", null);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {body}");
        return System.Text.Json.JsonSerializer.Deserialize(body, FuncSyncJson.Default.ReconciliationReport)!;
    }

    /// <summary>Once every notice on the alerts queue is stored: the alert rows of <paramref name="kind"/>.</summary>
    public static async Task<List<TableEntity>> AlertsAsync(this FuncSyncTestApp app, string kind)
    {
        await app.DrainedAsync(app.Names.AlertsQueue);
        var rows = await app.Storage.Table(app.Names.AlertsTable).QueryAsync<TableEntity>().ToListAsync();
        return [.. rows.Where(r => r.GetString("Kind") == kind)];
    }

    public static async Task<T> GetJsonAsync<T>(this FuncSyncTestApp app, string path, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type) =>
        (await app.Http.GetFromJsonAsync(path, type))!;
}
