using FuncSync.Catalog;
using FuncSync.Channels;
using FuncSync.Domain.Simulation;
using FuncSync.Json;
using FuncSync.Skus;
using Microsoft.Azure.Functions.Worker;

namespace FuncSync.Dashboard;

/// <summary>The seller's dashboard and the endpoints it and the command line read: the SKU list and the
/// mappings API. The pages load without a key; every data call they make needs the admin key.</summary>
public static class DashboardServices
{
    public static IServiceCollection AddDashboard(this IServiceCollection services)
    {
        services.AddSingleton<MappingFunctions>();
        services.AddSingleton<DashboardAssets>();
        services.AddTransient<ChannelConnectionsFunction>();
        return services;
    }
}

/// <summary>The dashboard as HTTP functions, so it is served the same way under the Functions host and locally:
/// <c>GET /api/dashboard/</c> (pages, anonymous) and <c>POST /api/oversell-cost</c> (the calculator, with the key).</summary>
public sealed class DashboardFunctions(DashboardAssets assets, ChannelRegistry channels)
{
    public const string AssetsName = "Dashboard";
    public const string AssetsRoute = "dashboard/{*path}";
    public const string CalculatorName = "OversellCost";
    public const string CalculatorRoute = "oversell-cost";
    public const string CalculatorChannelsName = "OversellCostChannels";

    [Function(AssetsName)]
    public IResult Serve([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = AssetsRoute)] HttpRequest request, string? path) =>
        assets.Serve(path, request.HttpContext);

    /// <summary><c>GET /api/oversell-cost</c>: the simulator's channels the calculator offers, those the seller turned on ticked.</summary>
    [Function(CalculatorChannelsName)]
    public IResult Channels([HttpTrigger(AuthorizationLevel.Function, "get", Route = CalculatorRoute)] HttpRequest request) =>
        Results.Json(
            new OversellChannels(SimChannel.Defaults.Select(c => new OversellChannel(c.Name, channels.Channels.Any(e => e.ToString() == c.Name))).ToList()),
            FuncSyncJson.Default.OversellChannels);

    [Function(CalculatorName)]
    public static async Task<IResult> EstimateAsync([HttpTrigger(AuthorizationLevel.Function, "post", Route = CalculatorRoute)] HttpRequest request, CancellationToken cancellationToken)
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
