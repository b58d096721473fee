namespace FuncSync.Simulators.Shopify;

/// <summary>A request-level GraphQL error (the top-level <c>errors</c> array), as opposed to a mutation's userErrors.</summary>
internal sealed class ShopifyGraphQlException(string message, string code) : Exception(message)
{
    public string Code { get; } = code;
}
