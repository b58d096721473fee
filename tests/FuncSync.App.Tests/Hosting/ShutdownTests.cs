using System.Diagnostics;
using System.Net;
using FuncSync.App.Tests.Infrastructure;
using FuncSync.Simulators.Faults;
using FuncSync.Testing;

namespace FuncSync.App.Tests.Hosting;

/// <summary>FuncSync as its own process, stopped the way a service manager or a container runtime stops it, while it
/// syncs: it must exit by itself, with code 0 and no error logged, within seconds, even when storage has stopped
/// answering (the calls made while stopping are bounded; what they could not finish, storage recovers).</summary>
[Collection(AzuriteTests.Name)]
public sealed class ShutdownTests(AzuriteFixture azurite)
{
    // The host's stop is bounded to 4 s; the rest is process start-up's mirror image. A stop that waited on a silent
    // storage account would take the SDK's 100-s network timeout, far past this.
    private static readonly TimeSpan ExitDeadline = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Sigterm_WhileSyncing_ExitsWithCodeZeroAndNoErrorWithinSeconds(bool storageFrozen)
    {
        var (blob, queue, table) = azurite.Ports;
        await using var storage = FreezableStorage.Start(blob, queue, table);
        await using var control = await FuncSyncTestApp.StartAsync(
            azurite,
            new Dictionary<string, string?> { ["AzureWebJobsStorage"] = storage.ConnectionString, ["FuncSync:RunTriggers"] = "false" });
        var item = new TestItem("STOP-1", 50, 802);
        var url = AppProcess.FreeLoopbackUrl();
        var settings = new Dictionary<string, string?>(control.Settings) { ["FuncSync:RunTriggers"] = "true", ["Logging:LogLevel:Default"] = "Warning" };
        var workingDirectory = Directory.CreateTempSubdirectory("funcsync-stop-").FullName;
        using var process = AppProcess.Start(settings, workingDirectory, url);
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri(url) };
            await Eventually.WaitAsync(async () => await AnswersAsync(http), TimeSpan.FromSeconds(60), "the process serves HTTP");

            // The process runs the triggers, so it is what counts the item in.
            await control.LoadAsync(item);
            control.Shopify.Options.WebhookUrl = new Uri(url + "/api/webhooks/shopify");
            for (var i = 0; i < 3; i++)
            {
                Assert.Equal(HttpStatusCode.OK, (await control.Shopify.PlaceOrderAsync([(item.ShopifyVariantId, 1)]))!.WebhookStatus);
            }

            await Eventually.WaitAsync(async () => await control.AvailableAsync(item.Sku) == 47, TimeSpan.FromSeconds(30), "the process applied the orders");
            if (storageFrozen)
            {
                storage.Freeze();
            }

            var stopping = Stopwatch.StartNew();
            process.Terminate();

            Assert.True(await process.WaitForExitAsync(ExitDeadline), $"still running {ExitDeadline.TotalSeconds} s after SIGTERM. Last output: {process.Tail}");
            Assert.True(stopping.Elapsed < ExitDeadline);
            Assert.Equal(0, process.ExitCode);
            Assert.True(process.ErrorLines == 0, $"{process.ErrorLines} error lines. Last output: {process.Tail}");
        }
        finally
        {
            storage.Thaw();
            Directory.Delete(workingDirectory, recursive: true);
        }
    }

    private static async Task<bool> AnswersAsync(HttpClient http)
    {
        try
        {
            using var response = await http.GetAsync(new Uri("/", UriKind.Relative));
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }
}
