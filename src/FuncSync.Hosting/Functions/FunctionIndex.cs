using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace FuncSync.Hosting.Functions;

/// <summary>Reads <c>[Function]</c> methods and their trigger attributes by reflection: the same declarations the
/// Worker SDK turns into <c>functions.metadata</c>, so the local runtime serves exactly what the host would.</summary>
public static partial class FunctionIndex
{
    public static IReadOnlyList<FunctionMetadata> Read(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        return Read(assembly.GetExportedTypes());
    }

    public static IReadOnlyList<FunctionMetadata> Read(IEnumerable<Type> types)
    {
        ArgumentNullException.ThrowIfNull(types);
        var functions = new List<FunctionMetadata>();
        foreach (var type in types.OrderBy(t => t.FullName, StringComparer.Ordinal))
        {
            foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            {
                if (method.GetCustomAttribute<FunctionAttribute>() is { } function)
                {
                    var metadata = Describe(function.Name, method);
                    if (functions.Exists(f => string.Equals(f.Name, metadata.Name, StringComparison.OrdinalIgnoreCase)))
                    {
                        throw new InvalidOperationException($"A function named '{metadata.Name}' is declared twice.");
                    }

                    functions.Add(metadata);
                }
            }
        }

        return functions;
    }

    private static FunctionMetadata Describe(string name, MethodInfo method)
    {
        if (!FunctionName().IsMatch(name))
        {
            throw new InvalidOperationException($"Function name '{name}' must start with a letter and contain only letters, digits, '_' or '-'.");
        }

        var triggers = method.GetParameters()
            .Select(p => (Parameter: p, Trigger: Trigger(name, p)))
            .Where(t => t.Trigger is not null)
            .ToList();
        if (triggers.Count != 1)
        {
            throw new InvalidOperationException($"Function '{name}' ({method.DeclaringType?.Name}.{method.Name}) needs exactly one trigger parameter.");
        }

        var (parameter, trigger) = triggers[0];
        var expected = trigger switch
        {
            HttpFunctionTrigger => typeof(HttpRequest),
            QueueFunctionTrigger => typeof(string),
            _ => typeof(TimerInfo),
        };
        if (parameter.ParameterType != expected)
        {
            throw new InvalidOperationException($"Function '{name}': its trigger parameter must be a {expected.Name}, the type both run modes bind.");
        }

        FunctionInvoker.Validate(name, method, trigger!);
        return new FunctionMetadata(name, trigger!, method);
    }

    private static FunctionTrigger? Trigger(string name, ParameterInfo parameter)
    {
        if (parameter.GetCustomAttribute<HttpTriggerAttribute>() is { } http)
        {
            // As the host: no route means the function's name; no methods means any method.
            var route = (http.Route ?? name).Trim('/');
            var methods = (http.Methods ?? []).Select(m => m.ToLowerInvariant()).ToArray();
            return new HttpFunctionTrigger(route, methods, http.AuthLevel);
        }

        if (parameter.GetCustomAttribute<QueueTriggerAttribute>() is { } queue)
        {
            return new QueueFunctionTrigger(queue.QueueName, queue.Connection);
        }

        return parameter.GetCustomAttribute<TimerTriggerAttribute>() is { } timer
            ? new TimerFunctionTrigger(timer.Schedule, timer.RunOnStartup, timer.UseMonitor)
            : null;
    }

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_-]{0,127}$")]
    private static partial Regex FunctionName();
}
