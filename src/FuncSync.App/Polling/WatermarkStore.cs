using Azure;
using Azure.Data.Tables;
using FuncSync.Storage;

namespace FuncSync.Polling;

/// <summary>How far each poll has confirmed a source, one row per source. A watermark only moves
/// forward, and only after a whole poll succeeded.</summary>
public sealed class WatermarkStore(TableClient table, ShopPartition shop, TimeProvider time)
{
    public async Task<long?> GetAsync(string source, CancellationToken cancellationToken)
    {
        var row = await table.GetEntityIfExistsAsync<TableEntity>(shop.Key, TableKeys.Escape(source), ["Value"], cancellationToken);
        return row.HasValue ? row.Value!.GetInt64("Value") : null;
    }

    /// <summary>Moves the watermark to <paramref name="value"/> unless it is already there or beyond.
    /// ETag-guarded, so two pollers (an overlap of instances) can never move it backwards.</summary>
    public async Task AdvanceAsync(string source, long value, CancellationToken cancellationToken)
    {
        var key = TableKeys.Escape(source);
        while (true)
        {
            var existing = await table.GetEntityIfExistsAsync<TableEntity>(shop.Key, key, cancellationToken: cancellationToken);
            if (existing.HasValue && existing.Value!.GetInt64("Value") >= value)
            {
                return;
            }

            var row = new TableEntity(shop.Key, key) { ["Value"] = value, ["AdvancedAt"] = time.GetUtcNow() };
            try
            {
                if (existing.HasValue)
                {
                    await table.UpdateEntityAsync(row, existing.Value!.ETag, TableUpdateMode.Replace, cancellationToken);
                }
                else
                {
                    await table.AddEntityAsync(row, cancellationToken);
                }

                return;
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412)
            {
                // Someone else moved it meanwhile; look again.
            }
        }
    }
}
