using FuncSync.Catalog;
using FuncSync.Hosting;
using FuncSync.Hosting.Functions;
using FuncSync.Hosting.Storage;
using FuncSync.Json;
using FuncSync.Skus;
using FuncSync.Storage;

namespace FuncSync.Dashboard;

/// <summary>The seller's dashboard and the endpoints it and the command line read: the SKU list and the
/// mappings API. The pages load without a key; every data call they make needs the admin key.</summary>
public static class DashboardServices
{
    public const string AssetsName = "Dashboard";
    public const string AssetsRoute = "dashboard/{*path}";
    public const string CalculatorName = "OversellCost";
    public const string CalculatorRoute = "oversell-cost";

    public static IServiceCollection AddDashboard(this IServiceCollection services, FunctionsBuilder functions)
    {
        services.AddSingleton(sp => new DriftAlerts(
            sp.GetRequiredService<StorageClients>().Table(sp.GetRequiredService<StorageNames>().AlertsTable), sp.GetRequiredService<ShopPartition>()));
        services.AddSingleton<MappingFunctions>();
        services.AddSingleton<DashboardAssets>();
        services.AddSingleton<ChannelConnectionsFunction>();
        functions
            .AddHttpFunction(SkuStatusFunction.ListName, SkuStatusFunction.ListRoute, ["get"], FunctionAuthLevel.Function)
            .AddHttpFunction(MappingFunctions.ListName, MappingFunctions.ListRoute, ["get"], FunctionAuthLevel.Function)
            .AddHttpFunction(MappingFunctions.ImportName, MappingFunctions.CsvRoute, ["get", "put"], FunctionAuthLevel.Function)
            .AddHttpFunction(MappingFunctions.EditName, MappingFunctions.EditRoute, ["put"], FunctionAuthLevel.Function)
            .AddHttpFunction(ChannelConnectionsFunction.Name, ChannelConnectionsFunction.Route, ["get"], FunctionAuthLevel.Function)
            .AddHttpFunction(CalculatorName, CalculatorRoute, ["post"], FunctionAuthLevel.Function)
            .AddHttpFunction(AssetsName, AssetsRoute, ["get"], FunctionAuthLevel.Anonymous);
        return services;
    }

    public static WebApplication MapDashboard(this WebApplication app)
    {
        app.MapGet("/api/" + AssetsRoute, (string? path, HttpContext context, DashboardAssets assets) => assets.Serve(path, context));

        // Outside the Functions host a short address is handy; under it, only /api/... reaches FuncSync.
        app.MapGet("/dashboard", () => Results.Redirect("/api/dashboard/"));

        var admin = app.MapGroup("/api").AddEndpointFilter<AdminKeyFilter>();
        admin.MapGet(SkuStatusFunction.ListRoute, async (SkuStatusFunction function, CancellationToken ct) =>
            Results.Json(await function.ListAsync(ct), FuncSyncJson.Default.SkuList));
        admin.MapGet(ChannelConnectionsFunction.Route, async (ChannelConnectionsFunction function, CancellationToken ct) =>
            Results.Json(await function.GetAsync(ct), FuncSyncJson.Default.ChannelConnections));
        admin.MapGet(MappingFunctions.ListRoute, async (MappingFunctions functions, CancellationToken ct) =>
            Results.Json(await functions.ListAsync(ct), FuncSyncJson.Default.MappingList));
        admin.MapGet(MappingFunctions.CsvRoute, (MappingFunctions functions, CancellationToken ct) => functions.ExportAsync(ct));
        admin.MapPut(MappingFunctions.CsvRoute, (HttpRequest request, MappingFunctions functions, CancellationToken ct) => functions.ImportAsync(request, ct));
        admin.MapPut(MappingFunctions.EditRoute, (string sku, HttpRequest request, MappingFunctions functions, CancellationToken ct) => functions.EditAsync(sku, request, ct));
        admin.MapPost(CalculatorRoute, EstimateAsync);
        return app;
    }

    private static async Task<IResult> EstimateAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var (body, error) = await AdminRequests.ReadObjectAsync(request, cancellationToken);
        OversellQuestion? question = null;
        if (error is null)
        {
            try
            {
                question = System.Text.Json.JsonSerializer.Deserialize(body, FuncSyncJson.Default.OversellQuestion);
            }
            catch (System.Text.Json.JsonException ex)
            {
                error = $"The body does not hold the calculator's figures: {ex.Message}";
            }
        }

        error ??= question is null ? "The body is empty." : OversellCalculator.Validate(question);
        return error is not null
            ? Results.Json(new ProblemBody(error), FuncSyncJson.Default.ProblemBody, statusCode: StatusCodes.Status400BadRequest)
            : Results.Json(OversellCalculator.Estimate(question!), FuncSyncJson.Default.OversellEstimate);
    }
}
