using FuncSync.Channels;
using FuncSync.Channels.Budgets;
using FuncSync.Domain;
using FuncSync.Hosting.Storage;
using FuncSync.Storage;
using Microsoft.Extensions.Options;

namespace FuncSync.Ebay;

/// <summary>eBay's daily call quota, counted across every instance (<see cref="SharedDailyQuota"/>, keyed by the app's
/// client id): every attempt that reaches eBay (retries included) is one call of eBay's day, which starts at midnight
/// Pacific time; a 429 with error 2001 says the day's quota is spent whatever the count says. eBay sends no
/// remaining-quota headers; its Developer Analytics API (<c>getRateLimits</c>) is the authoritative figure.</summary>
public sealed class EbayCallQuota(IOptions<EbayOptions> options, StorageClients storage, StorageNames names, TimeProvider time) : IDisposable
{
    private readonly SharedDailyQuota _shared = new(
        Channel.Ebay,
        storage.Table(names.ChannelBudgetsTable),
        options.Value.ClientId,
        options.Value.DailyCallQuota,
        options.Value.Day,
        time);

    /// <summary>Takes one call of today's quota; false when none is left for any instance.</summary>
    public Task<bool> TryTakeAsync(CancellationToken cancellationToken) => _shared.TryTakeAsync(cancellationToken);

    /// <summary>eBay answered that the day's quota is used up.</summary>
    public Task ExhaustedAsync(CancellationToken cancellationToken) => _shared.ExhaustedAsync(cancellationToken);

    /// <summary>Today's use as the shared count says now (the channels page).</summary>
    public Task<DailyQuotaUse> ReadAsync(CancellationToken cancellationToken) => _shared.ReadAsync(cancellationToken);

    /// <summary>Today's use as this instance last saw it (the health check, which reads synchronously).</summary>
    public DailyQuotaUse LastSeen() => _shared.LastSeen();

    public void Dispose() => _shared.Dispose();
}

/// <summary>Takes a call of the shared daily quota for every attempt that goes to eBay: it sits inside the retry
/// pipeline, next to the socket. With none left the request is not sent.</summary>
public sealed class EbayCallCountingHandler(EbayCallQuota quota) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (!await quota.TryTakeAsync(cancellationToken))
        {
            throw new EbayQuotaSpentException();
        }

        return await base.SendAsync(request, cancellationToken);
    }
}

/// <summary>Today's eBay calls are all made (by this instance or another): not an <see cref="HttpRequestException"/>,
/// so the retry pipeline does not try again; <see cref="EbayApi"/> turns it into a wait for eBay's next day.</summary>
public sealed class EbayQuotaSpentException : Exception
{
    public EbayQuotaSpentException()
        : base("eBay's daily call quota is spent for today.")
    {
    }

    public EbayQuotaSpentException(string message)
        : base(message)
    {
    }

    public EbayQuotaSpentException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>The quota for the health check and the channels page.</summary>
public sealed class EbayBudgetStatus(EbayCallQuota quota, IOptions<EbayOptions> options) : IChannelBudget
{
    public ChannelBudget Read()
    {
        var use = quota.LastSeen();
        return new ChannelBudget(Channel.Ebay, options.Value.DailyCallQuota, use.SeenAt is null && use.Used == 0 ? null : use.Remaining, options.Value.CallsReservedForPushes, null, use.SeenAt);
    }
}
