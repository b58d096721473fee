using System.Net;
using System.Net.Http.Json;
using FuncSync.App.Tests.Infrastructure;
using FuncSync.Domain;
using FuncSync.Json;
using FuncSync.Square;
using FuncSync.Testing;

namespace FuncSync.App.Tests.Square;

/// <summary>The mapping audit reads Square's items and their variations: a variation nobody mapped raises the usual
/// alert, and a mapped one Square does not track at a synced location is flagged as selling past zero.</summary>
[Collection(AzuriteTests.Name)]
public sealed class SquareCatalogTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Audit_UnmappedVariationAndUntrackedMapped_BothAlerted()
    {
        await using var app = await SquareTestApp.StartAsync(azurite, TimeSpan.Zero);
        var mapping = await app.LoadAsync("CAT-01", 3, 330);
        app.Square.AddUnmappedVariation("VARUNMAPPED0000000000001", "CAT-01-GIFTBOX", "Gift box");
        app.Square.SetTrackInventory(mapping.Square!.VariationId, false, SquareTestApp.Shop);

        using var response = await app.App.Http.PostAsync("api/mappings/audit", null);
        var report = (await response.Content.ReadFromJsonAsync(FuncSyncJson.Default.MappingAuditReport))!;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var found = Assert.Single(report.Unmapped, u => u.Channel == Channel.Square);
        Assert.Equal(("VARUNMAPPED0000000000001", "CAT-01-GIFTBOX"), (found.Listing, found.Sku));
        Assert.DoesNotContain(report.Missing, m => m.Channel == Channel.Square);
        Assert.Contains(await app.App.AlertsAsync("UnmappedListing"), a => a.GetString("Key") == "unmapped:Square:VARUNMAPPED0000000000001");
        var guard = Assert.Single(await app.App.AlertsAsync("SellsPastZero"), a => a.GetString("Key") == $"sells-past-zero:Square:{mapping.Square!.VariationId}");

        // Square's own step, not a route only Shopify has.
        Assert.Contains("\"Track inventory\"", guard.GetString("Message"), StringComparison.Ordinal);
        Assert.DoesNotContain("/api/", guard.GetString("Message"), StringComparison.Ordinal);
    }
}
