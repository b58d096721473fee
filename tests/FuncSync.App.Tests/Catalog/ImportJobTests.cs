using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using FuncSync.App.Tests.Infrastructure;
using FuncSync.Catalog;
using FuncSync.Json;
using FuncSync.Shopify;
using FuncSync.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace FuncSync.App.Tests.Catalog;

/// <summary>The CSV import as a background job, against the real app, Azurite and the channel simulators over HTTP.</summary>
[Collection(AzuriteTests.Name)]
public sealed class ImportJobTests(AzuriteFixture azurite)
{
    private const string Header = "sku,title,quantity,shopify_product_id,shopify_variant_id,shopify_inventory_item_id,shopify_location_id\n";

    [Fact]
    public async Task ImportCsv_250Skus_202ThenAppliedInBatchesAndShopifyInSync()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        var items = Items(250, 9_100).ToList();
        ListOnShopify(app, items);

        var response = await ImportAsync(app, Csv(items));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var accepted = (await response.Content.ReadFromJsonAsync(FuncSyncJson.Default.ImportJobView))!;
        Assert.Equal((250, 250), (accepted.Rows, accepted.Counted));
        Assert.Equal(accepted.Url, response.Headers.Location!.OriginalString);
        var done = await CompletedAsync(app, accepted.Url);
        Assert.Equal((ImportState.Completed, 3, 3, 250, 100), (done.State, done.Batches, done.NextBatch, done.AppliedRows, done.Percent));
        foreach (var (sku, _, quantity) in items)
        {
            Assert.Equal(quantity, await app.AvailableAsync(sku));
        }

        await app.DrainedAsync(app.Names.ChannelPushQueue);
        Assert.All(items, i => Assert.Equal(i.Quantity, app.Shopify.GetAvailable(4_300_000_000 + i.N, TestItem.LocationId)));
    }

    [Fact]
    public async Task ImportCsv_TwoPartsOfOneBundleCounted_BundleListingShowsWhatThePartsMake()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        app.Shopify.AddVariant(7_000_009_900, 4_100_009_900, 4_300_009_900, TestItem.LocationId, "KIT", 0, "KIT");
        var csv = "sku,title,quantity,shopify_product_id,shopify_variant_id,shopify_inventory_item_id,shopify_location_id,components\n" +
            "PART-A,A,4,,,,,\nPART-B,B,6,,,,,\n" +
            $"KIT,Kit,,7000009900,4100009900,4300009900,{TestItem.LocationId},PART-A:1;PART-B:2\n";

        var response = await ImportAsync(app, csv);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await CompletedAsync(app, response.Headers.Location!.OriginalString);
        Assert.Equal((4, 6), (await app.AvailableAsync("PART-A"), await app.AvailableAsync("PART-B")));
        await app.DrainedAsync(app.Names.ChannelPushQueue);
        Assert.Equal(3, app.Shopify.GetAvailable(4_300_009_900, TestItem.LocationId));
    }

    [Fact]
    public async Task ImportCsv_BadRows_400WithEveryRowAndNothingStored()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        var csv = Header + "GOOD-1,Good,1,,,,\nBAD-1,Bad,-4,,,,\n,No sku,1,,,,\nBAD-3,Bad,lots,,,,\nGOOD-1,Twice,1,,,,\n";

        var response = await ImportAsync(app, csv);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var rejected = JsonSerializer.Deserialize(await response.Content.ReadAsStringAsync(), FuncSyncJson.Default.ImportRejected)!;
        Assert.Equal([3, 4, 5, 6], rejected.Errors.Select(e => e.Line));
        Assert.Empty(await RowsAsync(app, app.Names.ImportsTable));
        Assert.Empty(await RowsAsync(app, app.Names.SkuMapTable));
        var container = app.Storage.Blobs.GetBlobContainerClient(app.Names.ImportsContainer);
        Assert.Empty(await container.GetBlobsAsync().ToListAsync());
        Assert.Equal(0, (await app.Storage.Queue(app.Names.CatalogImportsQueue).GetPropertiesAsync()).Value.ApproximateMessagesCount);
    }

    [Fact]
    public async Task ImportCsv_SameIdempotencyKeyTwice_OneJob()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        var csv = Csv(Items(3, 9_400));

        var first = await ImportAsync(app, csv, "seller-upload-1");
        var second = await ImportAsync(app, csv, "seller-upload-1");

        Assert.Equal((HttpStatusCode.Accepted, HttpStatusCode.Accepted), (first.StatusCode, second.StatusCode));
        Assert.Equal("/api/imports/seller-upload-1", second.Headers.Location!.OriginalString);
        await CompletedAsync(app, "/api/imports/seller-upload-1");
        Assert.Single(await RowsAsync(app, app.Names.ImportsTable));
        Assert.Single((await app.Ledger.GetHistoryAsync("IMP-9400", 10, null, CancellationToken.None)).Entries);
    }

    [Fact]
    public async Task ApplyBatch_RunTwice_SecondRunChangesNothing()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        var items = Items(150, 9_500).ToList();
        ListOnShopify(app, items);
        var rows = items.Select(i => Row(i)).ToList();
        var importer = app.App.Services.GetRequiredService<CatalogImporter>();
        var batch = CatalogImporter.Batches(rows)[0];
        var claimed = CatalogImporter.Claimed(rows);
        await importer.ApplyBatchAsync(batch, claimed, "twice", "test", CancellationToken.None);
        await app.DrainedAsync(app.Names.ChannelPushQueue);
        var ledger = await RowsAsync(app, app.Names.LedgerTable);
        var map = await RowsAsync(app, app.Names.SkuMapTable);

        await importer.ApplyBatchAsync(batch, claimed, "twice", "test", CancellationToken.None);

        Assert.Equal(100, ledger.Count(r => r.StartsWith("stock|", StringComparison.Ordinal)));
        Assert.Equal(ledger, await RowsAsync(app, app.Names.LedgerTable));
        Assert.Equal(map, await RowsAsync(app, app.Names.SkuMapTable));
        Assert.Equal(0, (await app.Storage.Queue(app.Names.ChannelPushQueue).GetPropertiesAsync()).Value.ApproximateMessagesCount);
    }

    [Fact]
    public async Task ImportJob_CrashedAfterABatchItHadNotRecorded_ResumesFromTheLastRecordedAndCountsOnce()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        var items = Items(230, 9_700).ToList();
        ListOnShopify(app, items);
        var rows = items.Select(i => Row(i)).ToList();
        var files = app.App.Services.GetRequiredService<ImportFiles>();
        var jobs = app.App.Services.GetRequiredService<ImportJobStore>();
        var importer = app.App.Services.GetRequiredService<CatalogImporter>();
        const string id = "crashed-job";
        await files.StoreAsync(id, new MemoryStream(Encoding.UTF8.GetBytes(Csv(items))), CancellationToken.None);
        var now = TimeProvider.System.GetUtcNow();
        Assert.True(await jobs.TryCreateAsync(new ImportJob(id, ImportState.Queued, "csv", 230, 230, 0, 0, 0, 0, null, now, now, null), CancellationToken.None));

        // The first run committed batch 0 and recorded it, then committed batch 1 and died before recording it.
        var batches = CatalogImporter.Batches(rows);
        var claimed = CatalogImporter.Claimed(rows);
        await importer.ApplyBatchAsync(batches[0], claimed, id, "csv", CancellationToken.None);
        var job = (await jobs.GetAsync(id, CancellationToken.None))!;
        await jobs.TrySaveAsync(job with { State = ImportState.Applying, Batches = 3, NextBatch = 1, AppliedRows = 100 }, CancellationToken.None);
        await importer.ApplyBatchAsync(batches[1], claimed, id, "csv", CancellationToken.None);
        var midway = (await app.Http.GetFromJsonAsync($"api/imports/{id}", FuncSyncJson.Default.ImportJobView))!;
        Assert.Equal((ImportState.Applying, 100, 43), (midway.State, midway.AppliedRows, midway.Percent));

        // The queue redelivers the message.
        await app.App.Services.GetRequiredService<CatalogImportSender>().SendAsync(new ImportQueued(id), CancellationToken.None);

        var done = await CompletedAsync(app, $"/api/imports/{id}");
        Assert.Equal((230, 3), (done.AppliedRows, done.NextBatch));
        foreach (var (sku, _, quantity) in items)
        {
            Assert.Equal(quantity, await app.AvailableAsync(sku));
            Assert.Single((await app.Ledger.GetHistoryAsync(sku, 10, null, CancellationToken.None)).Entries);
        }
    }

    [Fact]
    public async Task ImportJob_FileChangedAfterAcceptance_FailedWithTheReason()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        var files = app.App.Services.GetRequiredService<ImportFiles>();
        var jobs = app.App.Services.GetRequiredService<ImportJobStore>();
        await files.StoreAsync("broken", new MemoryStream(Encoding.UTF8.GetBytes(Header + "X,X,-1,,,,\n")), CancellationToken.None);
        var now = TimeProvider.System.GetUtcNow();
        await jobs.TryCreateAsync(new ImportJob("broken", ImportState.Queued, "csv", 1, 1, 0, 0, 0, 0, null, now, now, null), CancellationToken.None);

        await app.App.Services.GetRequiredService<CatalogImportSender>().SendAsync(new ImportQueued("broken"), CancellationToken.None);

        var failed = await FinishedAsync(app, "/api/imports/broken");
        Assert.Equal(ImportState.Failed, failed.State);
        Assert.Contains("quantity", failed.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ImportStatus_UnknownJob_404()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);

        Assert.Equal(HttpStatusCode.NotFound, (await app.Http.GetAsync("api/imports/nope")).StatusCode);
    }

    private static IEnumerable<(string Sku, int N, int Quantity)> Items(int count, int first) =>
        Enumerable.Range(first, count).Select(n => (string.Create(CultureInfo.InvariantCulture, $"IMP-{n}"), n, n % 7));

    private static void ListOnShopify(FuncSyncTestApp app, IEnumerable<(string Sku, int N, int Quantity)> items)
    {
        foreach (var (sku, n, _) in items)
        {
            app.Shopify.AddVariant(7_000_000_000 + n, 4_100_000_000 + n, 4_300_000_000 + n, TestItem.LocationId, sku, 0, sku);
        }
    }

    private static SkuMapRow Row((string Sku, int N, int Quantity) item) =>
        new(new SkuMapping(item.Sku, item.Sku, [new ShopifyListing(4_100_000_000 + item.N, 4_300_000_000 + item.N, TestItem.LocationId, 7_000_000_000 + item.N)]), item.Quantity);

    private static string Csv(IEnumerable<(string Sku, int N, int Quantity)> items) =>
        Header + string.Concat(items.Select(i => string.Create(CultureInfo.InvariantCulture, $"{i.Sku},{i.Sku},{i.Quantity},{7_000_000_000 + i.N},{4_100_000_000 + i.N},{4_300_000_000 + i.N},{TestItem.LocationId}\n")));

    private static async Task<HttpResponseMessage> ImportAsync(FuncSyncTestApp app, string csv, string? key = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, "api/mappings.csv") { Content = new StringContent(csv, Encoding.UTF8, "text/csv") };
        if (key is not null)
        {
            request.Headers.Add("Idempotency-Key", key);
        }

        return await app.Http.SendAsync(request);
    }

    private static async Task<ImportJobView> CompletedAsync(FuncSyncTestApp app, string url)
    {
        var job = await FinishedAsync(app, url);
        Assert.True(job.State == ImportState.Completed, job.Error);
        return job;
    }

    private static async Task<ImportJobView> FinishedAsync(FuncSyncTestApp app, string url)
    {
        ImportJobView? job = null;
        await Eventually.WaitAsync(
            async () => (job = await app.Http.GetFromJsonAsync(url.TrimStart('/'), FuncSyncJson.Default.ImportJobView))!.State is ImportState.Completed or ImportState.Failed,
            TimeSpan.FromSeconds(60),
            $"import {url} is finished");
        return job!;
    }

    /// <summary>Every row of the table, as its key and properties (not its ETag or timestamp).</summary>
    private static async Task<List<string>> RowsAsync(FuncSyncTestApp app, string table)
    {
        var rows = new List<string>();
        await foreach (var row in app.Storage.Table(table).QueryAsync<TableEntity>())
        {
            rows.Add(row.RowKey + " " + string.Join(";", row.Keys.Where(k => k is not ("odata.etag" or "Timestamp")).Order(StringComparer.Ordinal).Select(k => $"{k}={row[k]}")));
        }

        return rows;
    }
}
