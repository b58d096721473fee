using FuncSync.Alerts;
using FuncSync.Channels;
using FuncSync.Lag;
using FuncSync.Ledger;
using FuncSync.Mapping;
using FuncSync.Monitoring;
using FuncSync.Reconciliation;

namespace FuncSync.Hosting;

/// <summary>The app settings the functions' <c>%Setting%</c> references name, with their defaults. The Functions host
/// resolves them from app settings (infra/main.bicep sets each one); local mode puts these under every other source.</summary>
public static class FunctionSettings
{
    public static IReadOnlyDictionary<string, string?> Defaults { get; } = new Dictionary<string, string?>(
        ChannelModules.All.SelectMany(m => m.SettingDefaults),
        StringComparer.OrdinalIgnoreCase)
    {
        [OutboxSweeperFunction.ScheduleSetting] = OutboxSweeperFunction.DefaultSchedule,
        [ReconciliationOptions.ScheduleSetting] = new ReconciliationOptions().Schedule,
        [MappingAuditFunction.ScheduleSetting] = MappingAuditFunction.DefaultSchedule,
        [LagOptions.CheckScheduleSetting] = new LagOptions().CheckSchedule,
        [AlertDeliverySweepFunction.ScheduleSetting] = AlertOptions.DefaultSweepSchedule,
        [PoisonWatchFunction.ScheduleSetting] = PoisonWatchFunction.DefaultSchedule,
    };
}
