using FuncSync.Allocation;
using FuncSync.Hosting;
using FuncSync.Hosting.Functions;
using FuncSync.Hosting.Storage;
using FuncSync.Push;
using FuncSync.Skus;
using FuncSync.Storage;

namespace FuncSync.Launches;

/// <summary>Scheduled launches, the threshold in force that honours them, and the re-checks that
/// carry a threshold's change in time to the channels.</summary>
public static class LaunchServices
{
    public static IServiceCollection AddLaunches(this IServiceCollection services, FunctionsBuilder functions, StorageNames names)
    {
        ArgumentNullException.ThrowIfNull(functions);
        ArgumentNullException.ThrowIfNull(names);
        services.AddSingleton(sp => new LaunchStore(sp.GetRequiredService<StorageClients>().Table(names.LaunchesTable), sp.GetRequiredService<ShopPartition>()));
        services.AddSingleton<ThresholdInForce>();
        services.AddSingleton<PushRechecks>();
        services.AddSingleton<LaunchFunctions>();
        functions
            .AddHttpFunction(LaunchFunctions.ListName, LaunchFunctions.Route, ["get"], FunctionAuthLevel.Function)
            .AddHttpFunction(LaunchFunctions.AddName, LaunchFunctions.Route, ["post"], FunctionAuthLevel.Function)
            .AddHttpFunction(LaunchFunctions.CancelName, LaunchFunctions.ItemRoute, ["delete"], FunctionAuthLevel.Function);
        return services;
    }

    public static WebApplication MapLaunches(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var admin = app.MapGroup("/api").AddEndpointFilter<AdminKeyFilter>();
        admin.MapGet(LaunchFunctions.Route, (LaunchFunctions functions, CancellationToken ct) => functions.ListAsync(ct));
        admin.MapPost(LaunchFunctions.Route, (HttpRequest request, LaunchFunctions functions, CancellationToken ct) => functions.AddAsync(request, ct));
        admin.MapDelete(LaunchFunctions.ItemRoute, (string id, LaunchFunctions functions, CancellationToken ct) => functions.CancelAsync(id, ct));
        return app;
    }
}
