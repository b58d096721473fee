using FuncSync.Etsy;
using FuncSync.Hosting;
using FuncSync.Hosting.Functions;
using FuncSync.Json;
using FuncSync.Shopify;
using FuncSync.Skus;

namespace FuncSync.Mapping;

/// <summary>Timer <c>MappingAudit</c>, daily by default (<c>MappingAudit__Schedule</c>): a variation a seller adds on Etsy,
/// which sends no product event, is found within 24 hours. Etsy's part costs about 14 requests at 1,000 listings.</summary>
public sealed class MappingAuditFunction(MappingAuditor auditor) : ITimerFunction
{
    public const string Name = "MappingAudit";
    public const string HttpName = "RunMappingAudit";
    public const string Route = "mappings/audit";
    public const string ScheduleSetting = "MappingAudit:Schedule";

    /// <summary>Every day at 04:00 UTC.</summary>
    public const string DefaultSchedule = "0 0 4 * * *";

    public Task RunAsync(TimerTriggerInfo timer, CancellationToken cancellationToken) => auditor.AuditAsync(cancellationToken);
}

/// <summary>The mapping audit's services, functions and endpoint.</summary>
public static class MappingAuditServices
{
    public static FunctionsBuilder AddMappingAudit(this FunctionsBuilder functions, IConfiguration configuration)
    {
        var services = functions.Services;
        services.AddTransient<ShopifyCatalogReader>();
        services.AddTransient<IChannelCatalogReader>(sp => sp.GetRequiredService<ShopifyCatalogReader>());
        services.AddTransient<IChannelCatalogReader, EtsyCatalogReader>();
        services.AddTransient<MappingAuditor>();
        return functions
            .AddTimerFunction<MappingAuditFunction>(MappingAuditFunction.Name, configuration[MappingAuditFunction.ScheduleSetting] ?? MappingAuditFunction.DefaultSchedule)
            .AddHttpFunction(MappingAuditFunction.HttpName, MappingAuditFunction.Route, ["post"], FunctionAuthLevel.Function);
    }

    public static WebApplication MapMappingAudit(this WebApplication app)
    {
        app.MapGroup("/api").AddEndpointFilter<AdminKeyFilter>().MapPost(MappingAuditFunction.Route, async (MappingAuditor auditor, CancellationToken ct) =>
            Results.Json(await auditor.AuditAsync(ct), FuncSyncJson.Default.MappingAuditReport));
        return app;
    }
}
