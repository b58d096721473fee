using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace FuncSync.Hosting.Timers;

/// <summary>Host id and singleton-lease timings for timers, with the WebJobs SDK's defaults.</summary>
internal sealed class TimerListenerOptions
{
    public const string DefaultHostId = "funcsync";
    public const string HostIdKey = HostJsonConfigurationExtensions.SectionName + ":id";
    public const string LeaseRecoveryIntervalKey = "FuncSync:Timers:LeaseRecoveryInterval";
    public const string LeasePeriodKey = "FuncSync:Timers:LeasePeriod";

    /// <summary>Our own container, not <c>azure-webjobs-hosts</c>, so a real Functions host sharing the
    /// account never contends for our locks.</summary>
    public const string ContainerName = "funcsync-hosts";

    /// <summary>Apps sharing a storage account need distinct ids, or only one app's timers run.</summary>
    public string HostId { get; init; } = DefaultHostId;

    /// <summary>Storage allows 15–60 s leases; the SDK's ListenerLockPeriod is 60 s.</summary>
    public TimeSpan LeasePeriod { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Renew well inside the lease period so one slow call does not lose the lock.</summary>
    public TimeSpan LeaseRenewInterval { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>How often an instance without the lock tries again (ListenerLockRecoveryPollingInterval).</summary>
    public TimeSpan LeaseRecoveryInterval { get; init; } = TimeSpan.FromMinutes(1);

    public static TimerListenerOptions FromConfiguration(IConfiguration configuration)
    {
        var hostId = configuration[HostIdKey];
        var recovery = configuration[LeaseRecoveryIntervalKey];
        var period = configuration[LeasePeriodKey];
        var leasePeriod = string.IsNullOrWhiteSpace(period) ? TimeSpan.FromSeconds(60)
            : TimeSpan.TryParse(period, CultureInfo.InvariantCulture, out var p) && p >= TimeSpan.FromSeconds(15) && p <= TimeSpan.FromSeconds(60) ? p
            : throw new InvalidOperationException($"{LeasePeriodKey} must be between 00:00:15 and 00:01:00, the lease lengths storage allows (was '{period}').");
        var options = new TimerListenerOptions
        {
            LeasePeriod = leasePeriod,
            LeaseRenewInterval = leasePeriod / 3,
            HostId = string.IsNullOrWhiteSpace(hostId) ? DefaultHostId : hostId.Trim(),
            LeaseRecoveryInterval = string.IsNullOrWhiteSpace(recovery)
                ? TimeSpan.FromMinutes(1)
                : TimeSpan.TryParse(recovery, CultureInfo.InvariantCulture, out var parsed) && parsed > TimeSpan.Zero
                    ? parsed
                    : throw new InvalidOperationException($"{LeaseRecoveryIntervalKey} must be a positive time span (was '{recovery}')."),
        };
        return options;
    }
}
