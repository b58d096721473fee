using FuncSync.Json;
using Microsoft.Azure.Functions.Worker;

namespace FuncSync.Mapping;

/// <summary>Timer <c>MappingAudit</c>, daily by default (<c>MappingAudit__Schedule</c>): a variation a seller adds on Etsy,
/// which sends no product event, is found within 24 hours. Etsy's part costs about 14 requests at 1,000 listings.</summary>
public sealed class MappingAuditFunction(MappingAuditor auditor)
{
    public const string Name = "MappingAudit";
    public const string ScheduleSetting = "MappingAudit:Schedule";

    /// <summary>Every day at 04:00 UTC.</summary>
    public const string DefaultSchedule = "0 0 4 * * *";

    [Function(Name)]
    public Task RunAsync([TimerTrigger("%" + ScheduleSetting + "%")] TimerInfo timer, CancellationToken cancellationToken) => auditor.AuditAsync(cancellationToken);
}

/// <summary><c>POST /api/mappings/audit</c>: runs the mapping audit now and answers its report.</summary>
public sealed class RunMappingAuditFunction(MappingAuditor auditor)
{
    public const string Name = "RunMappingAudit";
    public const string Route = "mappings/audit";

    [Function(Name)]
    public async Task<IResult> RunAsync([HttpTrigger(AuthorizationLevel.Function, "post", Route = Route)] HttpRequest request, CancellationToken cancellationToken) =>
        Results.Json(await auditor.AuditAsync(cancellationToken), FuncSyncJson.Default.MappingAuditReport);
}

/// <summary>The mapping audit's services.</summary>
public static class MappingAuditServices
{
    public static IServiceCollection AddMappingAudit(this IServiceCollection services)
    {
        services.AddTransient<MappingAuditor>();
        return services;
    }
}
