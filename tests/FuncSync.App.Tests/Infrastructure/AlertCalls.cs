using System.Net.Http.Json;
using FuncSync.Alerts;
using FuncSync.Json;
using FuncSync.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace FuncSync.App.Tests.Infrastructure;

/// <summary>The alerts API and sender as a test drives them.</summary>
internal static class AlertCalls
{
    public static async Task<IReadOnlyList<AlertView>> AlertListAsync(this FuncSyncTestApp app, string? status = null) =>
        (await app.Http.GetFromJsonAsync(status is null ? "api/alerts" : $"api/alerts?status={status}", FuncSyncJson.Default.AlertList))!.Alerts;

    public static AlertSender Alerts(this FuncSyncTestApp app) => app.App.Services.GetRequiredService<AlertSender>();

    /// <summary>Waits until the alert for <paramref name="key"/> satisfies <paramref name="condition"/>.</summary>
    public static async Task<AlertView> AlertEventuallyAsync(this FuncSyncTestApp app, AlertKind kind, string key, Func<AlertView, bool> condition, string because)
    {
        AlertView? found = null;
        await Eventually.WaitAsync(
            async () => (found = (await app.AlertListAsync("all")).SingleOrDefault(a => a.Kind == kind && a.Key == key)) is { } alert && condition(alert),
            TimeSpan.FromSeconds(20),
            because);
        return found!;
    }
}
