using System.Collections.Concurrent;
using Azure;
using Azure.Data.Tables;
using FuncSync.Hosting.Storage;

namespace FuncSync.Hosting.Queues;

/// <summary>The failed invocations of each message still on a queue, one row per message that has failed at least once.
/// A queue's dequeue count also counts receives whose processing was cut short (a kill, a crash, a scale-in): those are
/// no verdict on the message, so the poison decision counts failures from here instead.</summary>
internal sealed class QueueFailureLog(StorageClients clients)
{
    /// <summary>One table for every queue of every app on the account; the partition is the queue.</summary>
    public const string TableName = "FuncSyncQueueFailures";

    private const string FailuresColumn = "Failures";
    private const string LastErrorColumn = "LastError";

    // Storage keeps a string property up to 64 KiB; an exception's type and first lines are what a person needs.
    private const int MaxErrorLength = 1024;

    private readonly ConcurrentDictionary<string, Lazy<Task>> _created = new(StringComparer.Ordinal);

    /// <summary>How often the message has failed so far; 0 when it never did.</summary>
    public async Task<int> FailuresAsync(string queueName, string messageId, CancellationToken cancellationToken)
    {
        await EnsureCreatedAsync(cancellationToken);
        var row = await Table.GetEntityIfExistsAsync<TableEntity>(queueName, messageId, [FailuresColumn], cancellationToken);
        return row.HasValue ? row.Value!.GetInt32(FailuresColumn) ?? 0 : 0;
    }

    /// <summary>Counts one more failure and returns the count. Only the consumer that holds the message (it is invisible
    /// to everyone else) writes its row, so a read and an unconditional write cannot lose a count.</summary>
    public async Task<int> RecordFailureAsync(string queueName, string messageId, Exception failure, CancellationToken cancellationToken)
    {
        var failures = await FailuresAsync(queueName, messageId, cancellationToken) + 1;
        var error = $"{failure.GetType().Name}: {failure.Message}";
        await Table.UpsertEntityAsync(
            new TableEntity(queueName, messageId)
            {
                [FailuresColumn] = failures,
                [LastErrorColumn] = error.Length <= MaxErrorLength ? error : error[..MaxErrorLength],
            },
            TableUpdateMode.Replace,
            cancellationToken);
        return failures;
    }

    /// <summary>The message is done with (deleted or poisoned): its row goes too.</summary>
    public async Task ForgetAsync(string queueName, string messageId, CancellationToken cancellationToken)
    {
        await EnsureCreatedAsync(cancellationToken);
        try
        {
            await Table.DeleteEntityAsync(queueName, messageId, ETag.All, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // Never failed, or forgotten already.
        }
    }

    private TableClient Table => clients.Table(TableName);

    private async Task EnsureCreatedAsync(CancellationToken cancellationToken)
    {
        // Created once per process; a failed attempt is forgotten so the next call tries again.
        var creation = _created.GetOrAdd(TableName, _ => new Lazy<Task>(() => Table.CreateIfNotExistsAsync(CancellationToken.None)));
        try
        {
            await creation.Value.WaitAsync(cancellationToken);
        }
        catch (Exception) when (creation.Value.IsFaulted)
        {
            _created.TryRemove(new KeyValuePair<string, Lazy<Task>>(TableName, creation));
            throw;
        }
    }
}
