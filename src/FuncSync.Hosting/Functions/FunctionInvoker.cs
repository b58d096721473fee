using System.ComponentModel;
using System.Globalization;
using System.Reflection;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace FuncSync.Hosting.Functions;

/// <summary>Calls a <c>[Function]</c> method the way the isolated worker does: the class is activated from the
/// invocation's services, the trigger parameter gets the trigger value, a <see cref="CancellationToken"/> the
/// invocation's token, and any other parameter the binding data of the same name (route values, queue message id).</summary>
internal static class FunctionInvoker
{
    public static void Validate(string name, MethodInfo method, FunctionTrigger trigger)
    {
        var returnType = method.ReturnType;
        var result = returnType == typeof(Task) || returnType == typeof(void)
            ? null
            : returnType.IsGenericType && returnType.GetGenericTypeDefinition() == typeof(Task<>) ? returnType.GetGenericArguments()[0] : returnType;
        var valid = trigger is HttpFunctionTrigger ? result == typeof(IResult) : result is null;
        if (!valid)
        {
            throw new InvalidOperationException(trigger is HttpFunctionTrigger
                ? $"Function '{name}' returns {returnType.Name}; an HTTP function returns IResult or Task<IResult>."
                : $"Function '{name}' returns {returnType.Name}; a queue or timer function returns Task or void.");
        }

        foreach (var parameter in method.GetParameters())
        {
            var type = Nullable.GetUnderlyingType(parameter.ParameterType) ?? parameter.ParameterType;
            var bindable = parameter.ParameterType == typeof(CancellationToken)
                || parameter.GetCustomAttributes().Any(a => a.GetType().Name.EndsWith("TriggerAttribute", StringComparison.Ordinal))
                || type == typeof(string) || type.IsPrimitive || type == typeof(Guid) || type == typeof(DateTimeOffset);
            if (!bindable)
            {
                throw new InvalidOperationException($"Function '{name}': parameter '{parameter.Name}' ({parameter.ParameterType.Name}) cannot be bound in both run modes; take services in the constructor.");
            }
        }
    }

    public static async Task<object?> InvokeAsync(
        FunctionMetadata function, IServiceProvider services, object trigger, IReadOnlyDictionary<string, object?> bindingData, CancellationToken cancellationToken)
    {
        var method = function.Method;
        var instance = method.IsStatic ? null : ActivatorUtilities.GetServiceOrCreateInstance(services, method.DeclaringType!);
        var parameters = method.GetParameters();
        var arguments = new object?[parameters.Length];
        for (var i = 0; i < parameters.Length; i++)
        {
            arguments[i] = Bind(function, parameters[i], trigger, bindingData, cancellationToken);
        }

        var result = method.Invoke(instance, BindingFlags.DoNotWrapExceptions, binder: null, arguments, CultureInfo.InvariantCulture);
        if (result is not Task task)
        {
            return result;
        }

        await task.ConfigureAwait(false);
        return method.ReturnType.IsGenericType ? method.ReturnType.GetProperty(nameof(Task<object>.Result))!.GetValue(task) : null;
    }

    private static object? Bind(FunctionMetadata function, ParameterInfo parameter, object trigger, IReadOnlyDictionary<string, object?> bindingData, CancellationToken cancellationToken)
    {
        if (parameter.ParameterType == typeof(CancellationToken))
        {
            return cancellationToken;
        }

        if (parameter.ParameterType.IsInstanceOfType(trigger) && parameter.GetCustomAttributes().Any(a => a.GetType().Name.EndsWith("TriggerAttribute", StringComparison.Ordinal)))
        {
            return trigger;
        }

        if (bindingData.TryGetValue(parameter.Name!, out var value) && value is not null)
        {
            var type = Nullable.GetUnderlyingType(parameter.ParameterType) ?? parameter.ParameterType;
            return type.IsInstanceOfType(value) ? value : TypeDescriptor.GetConverter(type).ConvertFromInvariantString(Convert.ToString(value, CultureInfo.InvariantCulture)!);
        }

        return parameter.HasDefaultValue ? parameter.DefaultValue
            : !parameter.ParameterType.IsValueType || Nullable.GetUnderlyingType(parameter.ParameterType) is not null ? null
            : throw new InvalidOperationException($"Function '{function.Name}': no binding data named '{parameter.Name}'.");
    }
}
