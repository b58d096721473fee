using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace FuncSync.Hosting;

/// <summary>How long a stop may take. Ctrl+C or SIGTERM (a service manager, a container runtime) stops every trigger
/// at once, hands in-flight queue messages back and gives timer leases up; each storage call made while stopping is
/// bounded by <see cref="StorageGrace"/>, because storage may be the thing that is gone, and anything it could not
/// finish is recovered by storage itself (a message reappears when its visibility lapses, a lease expires).</summary>
public static class GracefulShutdown
{
    /// <summary>The host's whole stop, within the few seconds a service manager waits before SIGKILL.</summary>
    public static readonly TimeSpan HostTimeout = TimeSpan.FromSeconds(4);

    /// <summary>One storage call made while stopping (release a message, give a lease back).</summary>
    public static readonly TimeSpan StorageGrace = TimeSpan.FromSeconds(2);

    internal static IServiceCollection AddGracefulShutdown(this IServiceCollection services) =>
        services.Configure<HostOptions>(options =>
        {
            options.ShutdownTimeout = HostTimeout;

            // Listeners and timers are independent: stopped one after another, each storage timeout would add up.
            options.ServicesStopConcurrently = true;
        });
}
