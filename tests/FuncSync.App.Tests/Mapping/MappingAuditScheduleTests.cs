using FuncSync.Alerts;
using FuncSync.App.Tests.Infrastructure;
using FuncSync.Catalog;
using FuncSync.Etsy;
using FuncSync.Mapping;
using FuncSync.Simulators.Etsy;
using FuncSync.Testing;
using NCrontab;

namespace FuncSync.App.Tests.Mapping;

/// <summary>Etsy sends nothing when a seller adds a variation: the scheduled audit is what finds it, within 24 hours.</summary>
[Collection(AzuriteTests.Name)]
public sealed class MappingAuditScheduleTests(AzuriteFixture azurite)
{
    [Fact]
    public void DefaultSchedule_OverAYear_NeverMoreThan24HoursBetweenRuns()
    {
        var schedule = CrontabSchedule.Parse(MappingAuditFunction.DefaultSchedule, new CrontabSchedule.ParseOptions { IncludingSeconds = true });
        var start = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var runs = schedule.GetNextOccurrences(start, start.AddDays(366)).Prepend(start).ToList();

        Assert.All(runs.Zip(runs.Skip(1)), pair => Assert.True(pair.Second - pair.First <= TimeSpan.FromHours(24), $"{pair.First:u} to {pair.Second:u}"));
    }

    [Fact]
    public async Task TimerRun_VariationAddedOnEtsy_UnmappedAlertForIt()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        const long listingId = 1_500_000_131;
        EtsySimProduct Size(string size, int i) => new($"RING-AUD-{size}", 2, 42.00m, [new EtsySimPropertyValue(100, "Ring size", 1000 + i, size)]);
        app.Etsy.AddListing(listingId, "Audit ring", [Size("6", 0), Size("7", 1)]);
        await app.ImportAsync(
            new SkuMapRow(new SkuMapping("RING-AUD-6", "Ring 6", [new EtsyListing(listingId, "RING-AUD-6")]), 2),
            new SkuMapRow(new SkuMapping("RING-AUD-7", "Ring 7", [new EtsyListing(listingId, "RING-AUD-7")]), 2));

        // The seller adds size 8 in Shop Manager: the listing now has three products.
        app.Etsy.DeleteListing(listingId);
        app.Etsy.AddListing(listingId, "Audit ring", [Size("6", 0), Size("7", 1), Size("8", 2)]);
        using var ran = await app.RunTimerAsync(MappingAuditFunction.Name);

        ran.EnsureSuccessStatusCode();
        var alert = await app.AlertEventuallyAsync(AlertKind.UnmappedListing, $"unmapped:Etsy:{listingId}:RING-AUD-8", _ => true, "the new variation is alerted");
        Assert.Contains("RING-AUD-8", alert.Message, StringComparison.Ordinal);
    }
}
