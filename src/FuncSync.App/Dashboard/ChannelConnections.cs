using FuncSync.Channels;
using FuncSync.Domain;
using FuncSync.Json;
using Microsoft.Azure.Functions.Worker;

namespace FuncSync.Dashboard;

/// <summary>Answer of <c>GET /api/channels</c>: the channels the seller turned on, how each is connected, what it can do
/// and the fields that identify a listing on it. The dashboard draws its grid columns, channel cards and mapping
/// editor from this. Says whether secrets are set, never what they are.</summary>
public sealed record ChannelList(IReadOnlyList<ChannelCard> Channels);

/// <param name="Listing">The listing fields, in the editor's order; <paramref name="ListingKey"/> names the one that maps the SKU.</param>
public sealed record ChannelCard(
    Channel Channel,
    ChannelConnection Connection,
    ChannelCapabilities Capabilities,
    IReadOnlyList<ListingField> Listing,
    string ListingKey);

public sealed class ChannelConnectionsFunction(ChannelRegistry registry, IEnumerable<IChannelConnection> connections)
{
    public const string Name = "ChannelConnections";
    public const string Route = "channels";

    [Function(Name)]
    public async Task<IResult> GetAsync([HttpTrigger(AuthorizationLevel.Function, "get", Route = Route)] HttpRequest request, CancellationToken cancellationToken) =>
        Results.Json(await GetAsync(cancellationToken), FuncSyncJson.Default.ChannelList);

    public async Task<ChannelList> GetAsync(CancellationToken cancellationToken)
    {
        var read = new Dictionary<Channel, ChannelConnection>();
        foreach (var connection in connections)
        {
            var status = await connection.ReadAsync(cancellationToken);
            read[status.Channel] = status;
        }

        return new ChannelList(registry.Enabled
            .Select(c => new ChannelCard(c.Channel, read.GetValueOrDefault(c.Channel) ?? new ChannelConnection(c.Channel, false, []), c.Capabilities, c.Listing.Fields, c.Listing.Key.Name))
            .ToList());
    }
}
