using System.Security.Cryptography;
using System.Text;
using FuncSync.Hosting;
using FuncSync.Json;

namespace FuncSync.Skus;

/// <summary>Admin endpoints take the key in <c>x-functions-key</c>, the Azure Functions convention.
/// Under the Functions host the host itself checks function keys (authLevel function) before the
/// request reaches FuncSync; anywhere else FuncSync checks it against <c>FuncSync:AdminKey</c>.</summary>
public sealed class AdminKeyFilter(IConfiguration configuration) : IEndpointFilter
{
    public const string Header = "x-functions-key";
    public const string SettingKey = "FuncSync:AdminKey";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        if (FunctionsHostEnvironment.CustomHandlerPort is not null)
        {
            return await next(context);
        }

        var expected = configuration[SettingKey];
        if (string.IsNullOrEmpty(expected))
        {
            return Unauthorized("Admin endpoints are closed: no admin key is configured (set FuncSync__AdminKey).");
        }

        var presented = context.HttpContext.Request.Headers[Header].ToString();

        // Hashing first gives both sides one length, so the comparison time says nothing about the key.
        var match = CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(presented)),
            SHA256.HashData(Encoding.UTF8.GetBytes(expected)));
        return match && presented.Length > 0
            ? await next(context)
            : Unauthorized($"The {Header} header is missing or wrong.");
    }

    private static IResult Unauthorized(string error) =>
        Results.Json(new ProblemBody(error), FuncSyncJson.Default.ProblemBody, statusCode: StatusCodes.Status401Unauthorized);
}
