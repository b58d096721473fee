using System.Text;

namespace FuncSync.Catalog;

/// <summary>Applies an import job from its stored file, batch after batch from the first one not committed, and
/// records each committed batch on the job: a crash or a redelivered message resumes there, and a batch run twice
/// changes nothing (<see cref="CatalogImporter.ApplyBatchAsync"/>). A run stops after <see cref="Slice"/> and queues
/// the rest, so no invocation outlives a host's time limit however large the file.</summary>
public sealed class ImportJobRunner(ImportJobStore jobs, ImportFiles files, CatalogImporter importer, CatalogImportSender queue, TimeProvider time, ILogger<ImportJobRunner> logger)
{
    public static readonly TimeSpan Slice = TimeSpan.FromMinutes(2);

    public async Task RunAsync(string id, CancellationToken cancellationToken)
    {
        var job = await jobs.GetAsync(id, cancellationToken) ?? throw new InvalidDataException($"No import job {id} exists.");
        if (job.IsFinished)
        {
            logger.LogInformation("Import {ImportId} is {State} already; nothing to do", id, job.State);
            return;
        }

        var started = time.GetUtcNow();
        try
        {
            IReadOnlyList<SkuMapRow> rows;
            await using (var stream = await files.OpenReadAsync(id, cancellationToken))
            {
                using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);

                // Checked whole when it was accepted: a file that fails now was changed since, and is not guessed at.
                rows = SkuMapCsv.Read(reader);
            }

            var batches = CatalogImporter.Batches(rows);
            var claimed = CatalogImporter.Claimed(rows);
            var current = await jobs.TrySaveAsync(job with { State = ImportState.Applying, Batches = batches.Count, UpdatedAt = time.GetUtcNow() }, cancellationToken);
            for (var i = job.NextBatch; current is not null && i < batches.Count; i++)
            {
                if (time.GetUtcNow() - started >= Slice)
                {
                    await queue.SendAsync(new ImportQueued(id), cancellationToken);
                    logger.LogInformation("Import {ImportId}: {Applied} of {Rows} SKUs applied; the rest queued", id, current.AppliedRows, current.Rows);
                    return;
                }

                await importer.ApplyBatchAsync(batches[i], claimed, id, current.Source, cancellationToken);
                current = await jobs.TrySaveAsync(current with { NextBatch = i + 1, AppliedRows = current.AppliedRows + batches[i].Count, Attempts = 0, Error = null, UpdatedAt = time.GetUtcNow() }, cancellationToken);
            }

            if (current is null)
            {
                // Another run of the job saved its progress first and carries on from there.
                logger.LogInformation("Import {ImportId} is being applied by another run", id);
                return;
            }

            var now = time.GetUtcNow();
            await jobs.TrySaveAsync(current with { State = ImportState.Completed, CompletedAt = now, UpdatedAt = now }, cancellationToken);
            logger.LogInformation("Import {ImportId} completed: {Rows} SKUs, {Counted} counted, in {Batches} batches", id, current.Rows, current.Counted, batches.Count);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Kept on the job for the seller, then thrown so the queue retries; the last failure fails the job.
            await RecordFailureAsync(id, ex, cancellationToken);
            throw;
        }
    }

    private async Task RecordFailureAsync(string id, Exception ex, CancellationToken cancellationToken)
    {
        if (await jobs.GetAsync(id, cancellationToken) is not { IsFinished: false } job)
        {
            return;
        }

        var now = time.GetUtcNow();
        var attempts = job.Attempts + 1;
        var failed = attempts >= ImportJob.MaxAttempts || ex is FormatException;
        await jobs.TrySaveAsync(
            job with
            {
                Attempts = attempts,
                Error = ex.Message,
                State = failed ? ImportState.Failed : job.State,
                CompletedAt = failed ? now : null,
                UpdatedAt = now,
            },
            cancellationToken);
        logger.LogError(ex, "Import {ImportId} failed at batch {Batch} (attempt {Attempt})", id, job.NextBatch, attempts);
    }
}
