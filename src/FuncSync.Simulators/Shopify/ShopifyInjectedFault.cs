namespace FuncSync.Simulators.Shopify;

/// <summary>How an injected GraphQL fault answers: an HTTP error status, or (<see cref="Status"/> null) a THROTTLED error.</summary>
internal sealed record ShopifyInjectedFault(int? Status)
{
    public static readonly ShopifyInjectedFault Throttled = new((int?)null);

    public static ShopifyInjectedFault Http(int status) => new(status);
}
