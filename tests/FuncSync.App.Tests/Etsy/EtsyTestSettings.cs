using FuncSync.Simulators.Etsy;

namespace FuncSync.App.Tests.Etsy;

internal static class EtsyTestSettings
{
    /// <summary>Every timer run the test triggers polls, whatever the adaptive interval would say.</summary>
    public static readonly IReadOnlyDictionary<string, string?> ManualPolling = new Dictionary<string, string?>
    {
        ["Etsy:AdaptivePolling"] = "false",
        ["Etsy:WebhookSecret"] = new EtsySimulatorOptions().WebhookSecret,
    };
}
