using System.Globalization;
using System.Text.Json;
using Azure.Data.Tables;
using FuncSync.Storage;
using Microsoft.Extensions.Options;

namespace FuncSync.Etsy;

/// <summary>The poll pacer's state in one row, so whichever instance runs the next poll (the timer's lease can move)
/// or answers the health endpoint knows when Etsy was last asked and how much of the day's budget is left.</summary>
public sealed class EtsySharedPacerState(TableClient table, ShopPartition shop, IOptions<EtsyOptions> options)
{
    private string Row => string.Create(CultureInfo.InvariantCulture, $"pacer-{options.Value.ShopId}");

    public async Task<EtsyPacerState?> LoadAsync(CancellationToken cancellationToken)
    {
        var row = await table.GetEntityIfExistsAsync<TableEntity>(shop.Key, Row, ["State"], cancellationToken);
        return row.HasValue && row.Value!.GetString("State") is { } json
            ? JsonSerializer.Deserialize(json, EtsyJson.Default.EtsyPacerState)
            : null;
    }

    /// <summary>Last writer wins: only the poll writes, and the poll's timer runs on one instance at a time.</summary>
    public Task SaveAsync(EtsyPacerState state, CancellationToken cancellationToken) =>
        table.UpsertEntityAsync(
            new TableEntity(shop.Key, Row) { ["State"] = JsonSerializer.Serialize(state, EtsyJson.Default.EtsyPacerState) },
            TableUpdateMode.Replace,
            cancellationToken);

    /// <summary>Adopts the shared state into <paramref name="pacer"/>.</summary>
    public async Task RefreshAsync(EtsyPollPacer pacer, CancellationToken cancellationToken) =>
        pacer.Merge(await LoadAsync(cancellationToken));
}
