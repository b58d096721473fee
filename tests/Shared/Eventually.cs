namespace FuncSync.Testing;

/// <summary>Waits for an effect of asynchronous work (a queue hop, a push) by polling, with a deadline
/// that only matters when something is broken.</summary>
public static class Eventually
{
    public static async Task WaitAsync(Func<Task<bool>> condition, TimeSpan timeout, string because)
    {
        using var cancellation = new CancellationTokenSource(timeout, TimeProvider.System);
        while (!await condition())
        {
            if (cancellation.IsCancellationRequested)
            {
                throw new TimeoutException($"Timed out after {timeout.TotalSeconds} s waiting until {because}.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(25), TimeProvider.System);
        }
    }

    public static Task WaitAsync(Func<bool> condition, TimeSpan timeout, string because) =>
        WaitAsync(() => Task.FromResult(condition()), timeout, because);
}
