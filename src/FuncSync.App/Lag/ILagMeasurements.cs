using FuncSync.Domain;

namespace FuncSync.Lag;

/// <summary>The worst lag measured per channel, for whoever sizes the protected zone from it. The allocation's derived
/// threshold is sales velocity × this lag: the units another channel may sell before a sale here reaches it.</summary>
/// <remarks>"Worst" is the larger of the last hour's and the last day's 95th percentile of sale on
/// the channel → the new quantity accepted by every other channel; null until a sale there was measured.
/// Cheap to call per push: the figure is cached for a minute.</remarks>
public interface ILagMeasurements
{
    ValueTask<TimeSpan?> WorstLagAsync(Channel channel, CancellationToken cancellationToken);
}
