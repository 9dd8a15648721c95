using Microsoft.Playwright;
using OrleansUploads.Tests.Infrastructure;

namespace OrleansUploads.Tests.Page;

/// <summary>
/// Debian's Chromium, headless, driven by Playwright, plus a service of its own for the page tests.
/// No browser is downloaded: the executable is the system's.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    /// <summary>Small enough that a test can offer a larger (sparse) file.</summary>
    public const long MaxSizeBytes = 100L << 20;

    private IPlaywright? _playwright;
    private IBrowser? _browser;
    private UploadService? _service;

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("Not started.");
    public UploadService Service => _service ?? throw new InvalidOperationException("Not started.");

    /// <summary>Where the run's screenshots go (kept with the test results).</summary>
    public static string ScreenshotFolder => Path.Combine(RepositoryPaths.Root, "tests", "OrleansUploads.Tests", "TestResults", "screenshots");

    public async Task InitializeAsync()
    {
        Assert.True(File.Exists(ChromiumPath), $"{ChromiumPath} is missing: apt-get install -y chromium");
        _service = await UploadService.StartAsync($"--Uploads:MaxSizeBytes={MaxSizeBytes}");
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            // Root in a container needs --no-sandbox; the rest keeps Chromium off the closed network.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
        });
        Directory.CreateDirectory(ScreenshotFolder);
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (_service is not null)
        {
            await _service.DisposeAsync();
        }
    }

    /// <param name="service">Another service than the fixture's, for a test that needs other settings.</param>
    /// <param name="embedding">Script that runs before the page's own, as an embedding application's would.</param>
    /// <param name="prepare">Runs on the browser context before the page loads (routes, for example).</param>
    /// <param name="at">Where the page is served from when not a service's own address (a proxy in front of several).</param>
    public async Task<IPage> OpenAsync(string path = "/", UploadService? service = null, string? embedding = null, Func<IBrowserContext, Task>? prepare = null, Uri? at = null)
    {
        var address = at ?? (service ?? Service).BaseAddress;
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = address.ToString(), ViewportSize = new() { Width = 1100, Height = 900 } });
        if (embedding is not null)
        {
            await context.AddInitScriptAsync(embedding);
        }

        if (prepare is not null)
        {
            await prepare(context);
        }

        var page = await context.NewPageAsync();
        await page.GotoAsync(path);
        await page.Locator("#connection[data-state=connected]").WaitForAsync(new() { Timeout = 20_000 });
        return page;
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser";
}
