using System.Text;
using Azure.Data.Tables;

namespace FuncSync.Storage;

/// <summary>Checks an entity-group transaction against the service's rules before sending it.
/// Azurite accepts batches that Azure rejects (mixed partitions among them), so the check lives here.</summary>
public static class TableBatch
{
    public const int MaxActions = 100;

    // The service limit is 4 MiB for the whole request; leave room for the multipart envelope.
    private const int MaxPayloadBytes = 3 * 1024 * 1024;

    public static IReadOnlyList<TableTransactionAction> Validate(IReadOnlyList<TableTransactionAction> actions)
    {
        if (actions.Count is 0 or > MaxActions)
        {
            throw new InvalidOperationException($"A table transaction holds 1 to {MaxActions} actions; this one has {actions.Count}.");
        }

        var partition = actions[0].Entity.PartitionKey;
        var rows = new HashSet<string>(StringComparer.Ordinal);
        long bytes = 0;
        foreach (var action in actions)
        {
            if (!string.Equals(action.Entity.PartitionKey, partition, StringComparison.Ordinal))
            {
                throw new InvalidOperationException("A table transaction must stay within one partition.");
            }

            if (!rows.Add(action.Entity.RowKey))
            {
                throw new InvalidOperationException($"A table transaction may touch row '{action.Entity.RowKey}' only once.");
            }

            bytes += EstimateBytes(action.Entity);
        }

        if (bytes > MaxPayloadBytes)
        {
            throw new InvalidOperationException($"A table transaction must stay under 4 MiB; this one is about {bytes} bytes.");
        }

        return actions;
    }

    private static long EstimateBytes(ITableEntity entity)
    {
        long bytes = Encoding.UTF8.GetByteCount(entity.PartitionKey) + Encoding.UTF8.GetByteCount(entity.RowKey);
        if (entity is TableEntity dictionary)
        {
            foreach (var (key, value) in dictionary)
            {
                bytes += Encoding.UTF8.GetByteCount(key) + (value is string s ? Encoding.UTF8.GetByteCount(s) : 16);
            }
        }

        return bytes;
    }
}
