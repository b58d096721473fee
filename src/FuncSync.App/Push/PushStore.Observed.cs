using Azure;
using Azure.Data.Tables;
using FuncSync.Domain;

namespace FuncSync.Push;

public sealed partial class PushStore
{
    /// <summary>Records what a read outside the push saw (reconciliation finding drift): the channel shows
    /// <paramref name="shown"/>, and it reflects no known ledger version, so the next push re-derives and writes instead
    /// of skipping a ledger state it believes it already showed. Nothing to do when the listing was never pushed.</summary>
    public async Task RecordObservedAsync(string sku, Channel channel, int shown, DateTimeOffset at, CancellationToken cancellationToken)
    {
        while (await GetAsync(sku, channel, cancellationToken) is { } last)
        {
            var row = new TableEntity(shop.Key, Key(sku, channel)) { ["Shown"] = shown, ["CheckedAt"] = at, ["LedgerVersion"] = -1L };
            try
            {
                await table.UpdateEntityAsync(row, last.ETag, TableUpdateMode.Merge, cancellationToken);
                return;
            }
            catch (RequestFailedException ex) when (ex.Status == 412)
            {
                // A push recorded meanwhile; mark its record instead.
            }
        }
    }
}
