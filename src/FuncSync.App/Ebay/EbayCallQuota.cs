using FuncSync.Channels;
using FuncSync.Domain;
using Microsoft.Extensions.Options;

namespace FuncSync.Ebay;

/// <summary>eBay's daily call quota as this instance counts it: every attempt that reaches eBay (retries included) is
/// one call of eBay's calendar day; a 429 with error 2001 says the day's quota is spent whatever the count says. eBay
/// sends no remaining-quota headers; its Developer Analytics API (<c>getRateLimits</c>) is the authoritative figure.</summary>
public sealed class EbayCallQuota(IOptions<EbayOptions> options, TimeProvider time)
{
    private readonly Lock _gate = new();
    private DateOnly _day;
    private int _used;
    private bool _exhausted;
    private DateTimeOffset? _seenAt;

    public void Count()
    {
        lock (_gate)
        {
            Roll();
            _used++;
            _seenAt = time.GetUtcNow();
        }
    }

    /// <summary>eBay answered that the day's quota is used up.</summary>
    public void Exhausted()
    {
        lock (_gate)
        {
            Roll();
            _exhausted = true;
            _seenAt = time.GetUtcNow();
        }
    }

    public (int Used, int Remaining, DateTimeOffset? SeenAt) Today()
    {
        lock (_gate)
        {
            Roll();
            var limit = options.Value.DailyCallQuota;
            return (_used, _exhausted ? 0 : Math.Max(0, limit - _used), _seenAt);
        }
    }

    private void Roll()
    {
        var today = options.Value.Day(time.GetUtcNow());
        if (today != _day)
        {
            (_day, _used, _exhausted) = (today, 0, false);
        }
    }
}

/// <summary>Counts every attempt that goes to eBay: it sits inside the retry pipeline, next to the socket.</summary>
public sealed class EbayCallCountingHandler(EbayCallQuota quota) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        quota.Count();
        return base.SendAsync(request, cancellationToken);
    }
}

/// <summary>The quota for the health check and the channels page.</summary>
public sealed class EbayBudgetStatus(EbayCallQuota quota, IOptions<EbayOptions> options) : IChannelBudget
{
    public ChannelBudget Read()
    {
        var (used, remaining, seenAt) = quota.Today();
        return new ChannelBudget(Channel.Ebay, options.Value.DailyCallQuota, seenAt is null && used == 0 ? null : remaining, options.Value.CallsReservedForPushes, null, seenAt);
    }
}
