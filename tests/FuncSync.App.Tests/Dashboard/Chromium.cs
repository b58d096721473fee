using Microsoft.Playwright;

namespace FuncSync.App.Tests.Dashboard;

/// <summary>One headless Chromium for the browser tests of a class: the system's where there is one, else
/// Playwright's own. Without either they fail, never skip.</summary>
public sealed class Chromium : IAsyncLifetime
{
    public const string ExecutablePath = "/usr/bin/chromium";

    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>Screenshots land beside the test binaries, kept as artifacts, never committed.</summary>
    public static string ScreenshotFolder { get; } = Path.Combine(AppContext.BaseDirectory, "TestResults", "screenshots");

    public async Task InitializeAsync()
    {
        // Debian's Chromium where it is installed (CI installs it: Playwright's own download cannot reach
        // its host from the build machines); elsewhere Playwright's own build, fetched once.
        var system = File.Exists(ExecutablePath);
        if (!system && Microsoft.Playwright.Program.Main(["install", "chromium"]) != 0)
        {
            throw new InvalidOperationException($"The browser tests need Chromium: apt-get install -y chromium (to {ExecutablePath}), or a network from which Playwright can fetch its own.");
        }

        _playwright = await Playwright.CreateAsync();

        // Root in CI containers: Chromium's sandbox needs user namespaces that containers often lack.
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = system ? ExecutablePath : null, Headless = true, Args = ["--no-sandbox"] });
    }

    public async Task<IPage> OpenDashboardAsync(Uri baseUrl, string adminKey)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(20_000);
        await page.GotoAsync(new Uri(baseUrl, "api/dashboard/").ToString());
        await page.GetByLabel("Admin key").FillAsync(adminKey);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        return page;
    }

    public static async Task ScreenshotAsync(IPage page, string name)
    {
        Directory.CreateDirectory(ScreenshotFolder);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotFolder, name + ".png"), FullPage = true });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }
}
