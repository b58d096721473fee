using System.Security.Cryptography;
using System.Text;
using FuncSync.Json;

namespace FuncSync.Skus;

/// <summary>Local mode's check for functions whose auth level is not anonymous: the key comes in <c>x-functions-key</c>,
/// the Azure Functions convention, and must equal <c>FuncSync:AdminKey</c>. Under the Functions host the host checks
/// its function keys before a request reaches FuncSync, and this filter is not on the path.</summary>
public sealed class AdminKeyFilter(IConfiguration configuration) : IEndpointFilter
{
    public const string Header = "x-functions-key";
    public const string SettingKey = "FuncSync:AdminKey";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
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
