namespace FuncSync.Testing;

/// <summary>Waits for an effect of asynchronous work (a queue hop, a push) by polling, with a deadline
/// that only matters when something is broken.</summary>
public static class Eventually
{
    /// <summary>Deadlines are written for a quiet machine; on a shared one (load 10–30 on 2 cores) the same work takes
    /// several times longer. Waiting longer costs nothing when the condition holds, so the deadline is stretched
    /// rather than letting a loaded machine fail a test that is right.</summary>
    public const int Patience = 4;

    public static async Task WaitAsync(Func<Task<bool>> condition, TimeSpan timeout, string because)
    {
        var deadline = timeout * Patience;
        using var cancellation = new CancellationTokenSource(deadline, TimeProvider.System);
        while (!await condition())
        {
            if (cancellation.IsCancellationRequested)
            {
                throw new TimeoutException($"Timed out after {deadline.TotalSeconds} s waiting until {because}.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(25), TimeProvider.System);
        }
    }

    public static Task WaitAsync(Func<bool> condition, TimeSpan timeout, string because) =>
        WaitAsync(() => Task.FromResult(condition()), timeout, because);
}
