using FuncSync.Hosting.Functions;

namespace FuncSync.Channels;

/// <summary>A channel turned off runs none of its own functions (its polls, level checks, feeds, connect routes): each
/// gets the Functions host's <see cref="FunctionSwitches"/> setting, so an idle shop on Shopify and Etsy pays no
/// storage request for Square's, WooCommerce's, eBay's or Amazon's queues and timers. A channel's functions are the
/// ones declared in its folder (its module's namespace, where the architecture test keeps every channel type). Local
/// mode derives the settings from the channel settings here; infra/modules/channelfunctions.bicep writes the same ones
/// as app settings for the Functions host.</summary>
public static class ChannelFunctionSwitches
{
    /// <summary>The functions declared in the module's folder.</summary>
    public static IEnumerable<string> FunctionsOf(IChannelModule module, IEnumerable<FunctionMetadata> functions)
    {
        ArgumentNullException.ThrowIfNull(module);
        var folder = module.GetType().Namespace;
        return functions.Where(f => f.Method.DeclaringType?.Namespace == folder).Select(f => f.Name);
    }

    /// <summary><c>AzureWebJobs.&lt;name&gt;.Disabled = true</c> for every function of every channel that is off.</summary>
    public static IReadOnlyDictionary<string, string?> For(IConfiguration configuration, IReadOnlyList<FunctionMetadata> functions) =>
        ChannelModules.All
            .Where(module => !ChannelServices.IsEnabled(module, configuration))
            .SelectMany(module => FunctionsOf(module, functions))
            .ToDictionary(FunctionSwitches.DisabledKey, _ => (string?)"true", StringComparer.Ordinal);
}
