using System.Globalization;
using System.Text.Json.Nodes;
using FuncSync.Push;

namespace FuncSync.Etsy;

public sealed partial class EtsyApi
{
    /// <summary>Etsy's largest page of listings.</summary>
    public const int MaxListingPageSize = 100;

    /// <summary>getListingsByShop: one page of the shop's listings in <paramref name="state"/>, each with its inventory
    /// (<c>includes=Inventory</c>), so a page of 100 listings costs one request instead of 101.</summary>
    public async Task<JsonObject> GetListingsByShopAsync(string state, int offset, CancellationToken cancellationToken)
    {
        var path = string.Create(
            CultureInfo.InvariantCulture,
            $"v3/application/shops/{options.Value.ShopId}/listings?state={state}&limit={MaxListingPageSize}&offset={offset}&includes=Inventory");
        using var response = await SendAsync(HttpMethod.Get, path, null, cancellationToken);
        return await response.Content.ReadFromJsonAsync<JsonObject>(cancellationToken)
            ?? throw new ChannelRequestException("Etsy returned an empty listings page.");
    }
}
