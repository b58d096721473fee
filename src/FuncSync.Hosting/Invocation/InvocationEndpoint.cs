using System.Text.Json;
using System.Text.Json.Nodes;
using FuncSync.Hosting.Functions;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FuncSync.Hosting.Invocation;

/// <summary>Handles <c>POST /{FunctionName}</c> from the Functions host. A non-2xx answer fails the
/// invocation, which is how the host learns to retry or poison a queue message.</summary>
internal static class InvocationEndpoint
{
    private const string SuccessBody = """{"Outputs":{},"Logs":[],"ReturnValue":null}""";

    public static async Task<IResult> InvokeAsync(string functionName, HttpContext context, FunctionCatalog catalog, ILoggerFactory loggerFactory)
    {
        var logger = loggerFactory.CreateLogger(typeof(InvocationEndpoint).FullName!);
        var function = catalog.Find(functionName);
        if (function is null || function.Trigger is HttpFunctionTrigger || function.HandlerType is null)
        {
            return Json(StatusCodes.Status404NotFound, ErrorBody($"No queue or timer function named '{functionName}'."));
        }

        JsonElement root;
        try
        {
            using var document = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
            root = document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            logger.LogWarning(ex, "Invocation of {FunctionName} carried a body that is not JSON", function.Name);
            return Json(StatusCodes.Status400BadRequest, ErrorBody("The request body is not JSON."));
        }

        try
        {
            var handler = context.RequestServices.GetRequiredService(function.HandlerType);
            switch (handler)
            {
                case IQueueFunction queueFunction:
                    var message = InvocationEnvelope.ParseQueue(root);
                    var queueName = function.Trigger is QueueFunctionTrigger trigger ? trigger.QueueName : string.Empty;
                    using (Queues.QueueTrace.StartInvocation(function.Name, queueName, message.Id, message.DequeueCount, message.Body))
                    {
                        await queueFunction.RunAsync(message, context.RequestAborted);
                    }

                    break;
                case ITimerFunction timerFunction:
                    await timerFunction.RunAsync(InvocationEnvelope.ParseTimer(root), context.RequestAborted);
                    break;
                default:
                    throw new InvalidOperationException($"{function.HandlerType} is neither a queue nor a timer function.");
            }
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Function {FunctionName} failed (invocation {InvocationId})",
                function.Name, context.Request.Headers["X-Azure-Functions-InvocationId"].ToString());

            // The exception type only: messages can carry data that does not belong in host logs.
            var body = ErrorBody($"Function '{function.Name}' failed with {ex.GetType().Name}.");
            return Json(StatusCodes.Status500InternalServerError, body);
        }

        return Results.Text(SuccessBody, "application/json", statusCode: StatusCodes.Status200OK);
    }

    private static string ErrorBody(string message) =>
        new JsonObject
        {
            ["Outputs"] = new JsonObject(),
            ["Logs"] = new JsonArray(message),
            ["ReturnValue"] = null,
            ["Error"] = message,
        }.ToJsonString();

    private static IResult Json(int statusCode, string body) => Results.Text(body, "application/json", statusCode: statusCode);
}
