namespace FuncSync.Hosting.Functions;

/// <summary>A queue listener or timer the local runtime runs for one function: what it serves, for checks that local
/// mode and the Functions host agree.</summary>
public interface ILocalTrigger
{
    FunctionMetadata Declared { get; }

    /// <summary>The queue it listens on (with any local prefix), or the schedule it keeps (resolved).</summary>
    string Source { get; }
}
