namespace FuncSync.Catalog;

/// <summary>One CSV import, stored whole and applied in the background batch by batch.</summary>
/// <param name="Rows">SKUs in the file.</param>
/// <param name="Counted">Rows with a starting quantity.</param>
/// <param name="Batches">Batches the rows are applied in (<see cref="CatalogImporter.Batches"/>); 0 until the first run.</param>
/// <param name="NextBatch">The first batch not yet committed: where a crash or a redelivery resumes.</param>
/// <param name="AppliedRows">SKUs of the committed batches.</param>
/// <param name="Attempts">Runs in a row that failed; reset by every committed batch.</param>
/// <param name="Error">Why the last run failed, when it did.</param>
public sealed record ImportJob(
    string Id,
    ImportState State,
    string Source,
    int Rows,
    int Counted,
    int Batches,
    int NextBatch,
    int AppliedRows,
    int Attempts,
    string? Error,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? CompletedAt)
{
    /// <summary>Failed runs after which a job is given up (the queue's own retries stop at the same count).</summary>
    public const int MaxAttempts = 5;

    public Azure.ETag ETag { get; init; }

    public bool IsFinished => State is ImportState.Completed or ImportState.Failed;
}

public enum ImportState
{
    Queued,
    Applying,
    Completed,
    Failed,
}

/// <summary>An import job as the API shows it.</summary>
/// <param name="Url">Where to ask for its progress.</param>
/// <param name="Percent">Share of the rows applied, 0 to 100.</param>
public sealed record ImportJobView(
    string ImportId,
    string Url,
    ImportState State,
    int Rows,
    int Counted,
    int AppliedRows,
    int Percent,
    int Batches,
    int NextBatch,
    string? Error,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? CompletedAt)
{
    public static ImportJobView From(ImportJob job) => new(
        job.Id,
        $"/api/{ImportFunctions.StatusPath(job.Id)}",
        job.State,
        job.Rows,
        job.Counted,
        job.AppliedRows,
        job.Rows == 0 ? (job.State == ImportState.Completed ? 100 : 0) : (int)(100L * job.AppliedRows / job.Rows),
        job.Batches,
        job.NextBatch,
        job.Error,
        job.CreatedAt,
        job.UpdatedAt,
        job.CompletedAt);
}

/// <summary>The <c>catalog-imports</c> message: apply the job's next batches.</summary>
public sealed record ImportQueued(string ImportId);
