using System.Globalization;
using Microsoft.Playwright;

namespace FuncSync.Bench;

/// <summary>The dashboard's stock grid in headless Chromium, as a seller opens it: the time from the navigation's start
/// to the grid's first row in the document (the page's own clock), and the page's weight (every response of the page, the documents, scripts, styles and
/// API answers, as transferred). Fresh browser context per run, so nothing comes from a cache.</summary>
internal static class GridRenderBench
{
    private const string SystemChromium = "/usr/bin/chromium";

    public static async Task<IReadOnlyList<(double Milliseconds, long Bytes, int Requests)>> RunAsync(Uri baseUrl, string adminKey, int runs)
    {
        var system = File.Exists(SystemChromium);
        if (!system && Microsoft.Playwright.Program.Main(["install", "chromium"]) != 0)
        {
            throw new InvalidOperationException($"The render bench needs Chromium at {SystemChromium} or a network Playwright can fetch its own from.");
        }

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = system ? SystemChromium : null, Headless = true, Args = ["--no-sandbox"] });
        var results = new List<(double, long, int)>();
        for (var run = 0; run < runs; run++)
        {
            await using var context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });

            // Signed in as the sign-in form leaves it (the key in this tab's session storage), so the run times the grid.
            await context.AddInitScriptAsync($"sessionStorage.setItem('funcsync.adminKey', '{adminKey}')");

            // The page's own clock: milliseconds from the navigation's start to the grid's first row in the document, so
            // the browser's start-up and the bench's round trips to it are not counted.
            await context.AddInitScriptAsync(
                "new MutationObserver((_, observer) => { if (document.querySelector('#stock-grid tbody tr')) { window.firstRowAt = performance.now(); observer.disconnect(); } })" +
                ".observe(document, { childList: true, subtree: true });");
            var page = await context.NewPageAsync();
            page.SetDefaultTimeout(120_000);
            var bytes = 0L;
            var requests = 0;
            var slowest = new System.Collections.Concurrent.ConcurrentBag<(float Ms, string Url)>();
            page.RequestFinished += async (_, request) =>
            {
                var sizes = await request.SizesAsync();
                Interlocked.Add(ref bytes, sizes.ResponseBodySize + sizes.ResponseHeadersSize);
                Interlocked.Increment(ref requests);
                slowest.Add((request.Timing.ResponseEnd, new Uri(request.Url).PathAndQuery));
            };
            await page.GotoAsync(new Uri(baseUrl, "api/dashboard/").ToString());
            await page.Locator("#stock-grid tbody tr").First.WaitForAsync();
            var elapsed = await page.EvaluateAsync<double>("window.firstRowAt");

            // The requests the first render made, finished: a poll started later is not the page's weight.
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
            results.Add((elapsed, Interlocked.Read(ref bytes), requests));
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"render run {run + 1}: first row after {elapsed:F0} ms, {bytes:N0} bytes in {requests} requests; slowest: {string.Join(", ", slowest.OrderByDescending(r => r.Ms).Take(3).Select(r => $"{r.Url} {r.Ms:F0} ms"))}"));
        }

        return results;
    }
}
