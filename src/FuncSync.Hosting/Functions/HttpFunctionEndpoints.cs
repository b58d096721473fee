using System.Globalization;
using FuncSync.Hosting.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FuncSync.Hosting.Functions;

/// <summary>Local mode's HTTP trigger: each <c>[HttpTrigger]</c> function answers on its route below the host's
/// <c>api/</c> prefix and its methods, nowhere else. Queue and timer functions get no endpoint at all.</summary>
public static class HttpFunctionEndpoints
{
    /// <summary>The Functions host's default <c>extensions.http.routePrefix</c>; FuncSync's host.json keeps it.</summary>
    public const string RoutePrefix = "api";

    /// <param name="configure">Called per function, e.g. to require a key when its auth level is not anonymous.</param>
    public static IEndpointRouteBuilder MapHttpFunctions(this IEndpointRouteBuilder endpoints, Action<RouteHandlerBuilder, HttpFunctionTrigger> configure)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(configure);
        foreach (var function in endpoints.ServiceProvider.GetRequiredService<IFunctionCatalog>().Functions)
        {
            if (function.Trigger is not HttpFunctionTrigger http)
            {
                continue;
            }

            var pattern = "/" + RoutePrefix + (http.Route.Length > 0 ? "/" + http.Route : string.Empty);
            Func<HttpContext, Task<IResult>> handler = context => InvokeAsync(function, context);
            var builder = http.Methods.Count > 0
                ? endpoints.MapMethods(pattern, http.Methods.Select(m => m.ToUpperInvariant()), handler)
                : endpoints.Map(pattern, handler);
            builder.WithName(function.Name);
            configure(builder, http);
        }

        return endpoints;
    }

    private static async Task<IResult> InvokeAsync(FunctionMetadata function, HttpContext context)
    {
        var routeValues = context.Request.RouteValues.ToDictionary(v => v.Key, v => v.Value, StringComparer.OrdinalIgnoreCase);
        try
        {
            var result = await FunctionInvoker.InvokeAsync(function, context.RequestServices, context.Request, routeValues, context.RequestAborted);
            return (IResult)result!;
        }
        catch (Exception ex) when (!context.RequestAborted.IsCancellationRequested && StorageOutage.IsUnavailable(ex))
        {
            // Nothing was acknowledged, so a sender's retry loses nothing; a 500 with a stack trace per request would
            // bury the one fact that matters while storage is out.
            context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(HttpFunctionEndpoints).FullName!).LogWarning(
                "Function {FunctionName} answered 503: storage is unavailable ({Reason})", function.Name, ex.GetBaseException().Message);
            context.Response.Headers.RetryAfter = ((int)StorageOutage.RetryAfter.TotalSeconds).ToString(CultureInfo.InvariantCulture);
            return Results.Problem(
                title: "Storage is unavailable",
                detail: "Nothing was stored; send it again later.",
                statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }
}
