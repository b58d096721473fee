namespace FuncSync.Domain.Allocation;

/// <summary>What a channel holds back from the master quantity.</summary>
/// <param name="Percent">Share of the master quantity held back, 0 to 100, rounded up so the channel
/// never shows more than the percentage allows.</param>
/// <param name="MinimumHeld">Units held back however large the master quantity.</param>
/// <param name="MaximumShown">Upper bound of what the channel shows; null for none.</param>
public sealed record ChannelBuffer(int Percent = 0, int MinimumHeld = 0, int? MaximumShown = null)
{
    public static ChannelBuffer None { get; } = new();

    /// <summary>What a channel with this buffer shows out of <paramref name="available"/> when units
    /// are shared: never negative, never more than <paramref name="available"/>.</summary>
    public int Shared(int available)
    {
        if (available <= 0)
        {
            return 0;
        }

        // Rounding the held-back share up rounds the shown quantity down.
        var held = Math.Max(MinimumHeld, (int)Math.Ceiling(available * (decimal)Math.Clamp(Percent, 0, 100) / 100m));
        var shown = Math.Clamp(available - held, 0, available);
        return MaximumShown is { } max ? Math.Min(shown, Math.Max(0, max)) : shown;
    }
}

/// <summary>One channel a SKU is listed on, as the allocation policy sees it.</summary>
/// <param name="Priority">Lower goes first: in the protected zone the scarce units go to channels in
/// this order. By default the channel whose sales reach the hub fastest.</param>
/// <param name="Paused">The seller paused the SKU on this channel: it shows 0, and its units go to the
/// other channels as if it were not listed there.</param>
public sealed record ChannelRule<TChannel>(TChannel Channel, int Priority, ChannelBuffer Buffer, bool Paused = false)
    where TChannel : notnull;
