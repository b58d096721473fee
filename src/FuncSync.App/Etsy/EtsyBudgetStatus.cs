using FuncSync.Channels;
using FuncSync.Domain;

namespace FuncSync.Etsy;

/// <summary>Etsy's daily quota as the poll pacer last saw it.</summary>
public sealed class EtsyBudgetStatus(EtsyPollPacer pacer) : IChannelBudget
{
    public ChannelBudget Read()
    {
        var budget = pacer.Health(webhookEnabled: false);
        return new ChannelBudget(Channel.Etsy, budget.LimitPerDay, budget.RemainingToday, budget.ReservedToday, budget.LimitPerSecond, budget.QuotaSeenAt);
    }
}
