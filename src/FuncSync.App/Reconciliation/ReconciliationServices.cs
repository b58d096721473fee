namespace FuncSync.Reconciliation;

/// <summary>Reconciliation's services.</summary>
public static class ReconciliationServices
{
    public static IServiceCollection AddReconciliation(this IServiceCollection services)
    {
        services.AddOptions<ReconciliationOptions>().BindConfiguration(ReconciliationOptions.Section)
            .Validate(o => o.Threshold >= 1 && o.Concurrency >= 1 && o.InFlightGrace >= TimeSpan.Zero, "Reconciliation: Threshold and Concurrency are at least 1.").ValidateOnStart();
        services.AddSingleton<Allocation.AllocationInForce>();
        services.AddSingleton<ReportBlobs>();
        services.AddTransient<Reconciler>();
        services.AddTransient<ReconcileHttpFunctions>();
        return services;
    }
}
