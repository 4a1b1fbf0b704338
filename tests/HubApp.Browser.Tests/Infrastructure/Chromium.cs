using Microsoft.Playwright;

namespace HubApp.Browser.Tests.Infrastructure;

/// <summary>
/// Debian's Chromium (<c>/usr/bin/chromium</c>, or <c>CHROMIUM_PATH</c>) driven by Playwright, launched once for
/// the whole collection; each user of a test gets a browser context of their own (separate storage, as two
/// people on two machines). Never a downloaded browser: a missing Chromium fails the tests, it does not skip them.
/// </summary>
public sealed class Chromium : IAsyncLifetime
{
    /// <summary>Playwright's bound on every action and expectation.</summary>
    public const float TimeoutMs = 10_000;

    private static readonly string[] LaunchFlags =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ];

    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public static string ExecutablePath =>
        Environment.GetEnvironmentVariable("CHROMIUM_PATH") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    public async Task InitializeAsync()
    {
        if (!File.Exists(ExecutablePath))
        {
            throw new InvalidOperationException(
                $"Chromium is not at {ExecutablePath}. Install Debian's package (`apt-get install -y chromium`, which " +
                "./test.sh does through scripts/prereqs/20-chromium.sh) or set CHROMIUM_PATH.");
        }

        Assertions.SetDefaultExpectTimeout(TimeoutMs);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args = LaunchFlags,
            Timeout = 30_000,
        });
    }

    /// <summary>A fresh browser context (a new person) with one page at <paramref name="baseAddress"/>; <paramref name="touch"/>: a phone's touch screen.</summary>
    public async Task<IPage> OpenPageAsync(Uri baseAddress, ViewportSize? viewport = null, bool touch = false)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseAddress.ToString(),
            ViewportSize = viewport ?? new ViewportSize { Width = 1100, Height = 720 },
            Locale = "en-GB",
            HasTouch = touch,
            IsMobile = touch,
        });
        context.SetDefaultTimeout(TimeoutMs);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/");
        return page;
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        _playwright?.Dispose();
    }
}
