using FuncSync.Domain;

namespace FuncSync.Channels;

/// <summary>A polled channel's intake progress, for reconciliation: a listing short of what FuncSync expects after
/// the last complete poll began is drift; before it, probably a sale not imported yet.</summary>
public interface IChannelPoll
{
    Channel Channel { get; }

    /// <summary>The longest the poll waits between reads (an idle pacer's interval).</summary>
    TimeSpan LongestInterval { get; }

    /// <summary>When the last complete poll began (every sale before it is on its way to the ledger); null before the first.</summary>
    Task<DateTimeOffset?> CompletedAsync(CancellationToken cancellationToken);
}
