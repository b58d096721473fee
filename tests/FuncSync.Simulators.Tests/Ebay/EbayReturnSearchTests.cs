using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using FuncSync.Simulators.Ebay;
using Microsoft.Extensions.Time.Testing;

namespace FuncSync.Simulators.Tests.Ebay;

/// <summary>The simulator's Post-Order returns: searched by creation date and paged, each with its state, read one by one
/// with its history, and authorised as "IAF &lt;token&gt;".</summary>
public sealed class EbayReturnSearchTests : IAsyncLifetime, IDisposable
{
    private const string Sku = "MUG-GREEN";
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 5, 1, 12, 0, 0, TimeSpan.Zero));
    private EbaySimulator _ebay = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _ebay = await EbaySimulator.StartAsync(new EbaySimulatorOptions(), _time);
        _ebay.AddItem(Sku, "110559876543", 20);
        _http = new HttpClient { BaseAddress = _ebay.BaseUrl };
        using var token = new HttpRequestMessage(HttpMethod.Post, "identity/v1/oauth2/token")
        {
            Content = new FormUrlEncodedContent([new("grant_type", "refresh_token"), new("refresh_token", _ebay.Options.RefreshToken)]),
        };
        token.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(_ebay.Options.ClientId + ":" + _ebay.Options.ClientSecret)));
        using var answer = await _http.SendAsync(token);
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("IAF", (string)(await answer.Content.ReadFromJsonAsync<JsonNode>())!["access_token"]!);
    }

    public void Dispose() => _http.Dispose();

    public Task DisposeAsync() => _ebay.DisposeAsync().AsTask();

    [Fact]
    public async Task Search_ByCreationDate_PagedWithStates()
    {
        var order = _ebay.CreateOrder([(Sku, 5)]);
        var returns = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            returns.Add(_ebay.OpenReturn(order.OrderId, order.LineItemIds[0], 1));
            _time.Advance(TimeSpan.FromMinutes(1));
        }

        _ebay.MoveReturn(returns[0], EbaySimulator.ItemDelivered);

        var first = await GetAsync("post-order/v2/return/search?creation_date_range_from=2026-05-01T11:00:00.000Z&creation_date_range_to=2026-05-01T12:01:30.000Z&limit=1&offset=0");
        Assert.Equal(2, (int?)first["paginationOutput"]!["totalEntries"]);
        var member = Assert.Single((JsonArray)first["members"]!)!;
        Assert.Equal(returns[0], (string?)member["returnId"]);
        Assert.Equal(EbaySimulator.ItemDelivered, (string?)member["state"]);
        Assert.Equal(order.LineItemIds[0], (string?)member["creationInfo"]!["item"]!["transactionId"]);
        Assert.Equal(returns[1], (string?)((JsonArray)(await GetAsync("post-order/v2/return/search?creation_date_range_from=2026-05-01T11:00:00.000Z&limit=1&offset=1"))["members"]!)[0]!["returnId"]);

        var detail = await GetAsync("post-order/v2/return/" + returns[0]);
        Assert.Equal(EbaySimulator.ItemDelivered, (string?)detail["detail"]!["responseHistory"]![0]!["toState"]);
    }

    [Fact]
    public async Task Search_BearerScheme_Or18MonthsBack_Refused()
    {
        using var bearer = new HttpRequestMessage(HttpMethod.Get, "post-order/v2/return/search");
        bearer.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _http.DefaultRequestHeaders.Authorization!.Parameter);
        using var refused = await _http.SendAsync(bearer);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);

        using var old = await _http.GetAsync(new Uri("post-order/v2/return/search?creation_date_range_from=2024-01-01T00:00:00.000Z", UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, old.StatusCode);
    }

    private async Task<JsonNode> GetAsync(string path)
    {
        using var response = await _http.GetAsync(new Uri(path, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonNode>())!;
    }
}
