using System.Text.RegularExpressions;
using HubApp.Browser.Tests.Infrastructure;
using HubApp.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace HubApp.Browser.Tests;

/// <summary>The page itself: how it is served, what it allows to run, how it fits a phone.</summary>
[Collection(UsesChromium.Name)]
public sealed partial class PageTests(Chromium chromium)
{
    [Fact]
    public async Task The_page_is_served_with_a_policy_that_forbids_inline_script()
    {
        await using var host = await HubAppHost.StartAsync();
        using var http = host.CreateHttpClient();
        using var response = await http.GetAsync(new Uri("/", UriKind.Relative));
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var policy = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        var scriptSources = Directive(policy, "script-src") ?? Directive(policy, "default-src");
        Assert.NotNull(scriptSources);
        Assert.DoesNotContain("'unsafe-inline'", scriptSources, StringComparison.Ordinal);
        Assert.DoesNotContain("'unsafe-eval'", scriptSources, StringComparison.Ordinal);
        Assert.Equal("'none'", Directive(policy, "object-src"));
        Assert.Equal("'none'", Directive(policy, "frame-ancestors"));
        // (v3) Attachments show from blob: URLs (read with the token in a header); nothing else was added for them.
        Assert.Equal("'self' data: blob:", Directive(policy, "img-src"));
        Assert.Equal("'self'", Directive(policy, "connect-src"));
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("no-referrer", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
        // The build emits no inline script: every <script> has a src of the host's own.
        var scripts = ScriptTag().Matches(html);
        Assert.NotEmpty(scripts);
        Assert.All(scripts, s => Assert.Matches(@"src=""/assets/[^""]+\.js""", s.Value));
        Assert.DoesNotContain("<style", html, StringComparison.OrdinalIgnoreCase);

        // And the browser enforces it: an inline script added to the page does not run.
        var page = await chromium.OpenPageAsync(host.BaseAddress);
        try
        {
            try
            {
                await page.AddScriptTagAsync(new() { Content = "window.inlineScriptRan = true;" });
            }
            catch (PlaywrightException)
            {
                // Refused outright is as good as refused silently.
            }

            Assert.False(await page.EvaluateAsync<bool>("() => window.inlineScriptRan === true"));
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task At_phone_width_the_rooms_are_a_drawer_opened_from_the_header()
    {
        await using var host = await HubAppHost.StartAsync();
        await using var alice = await ChatPage.SignInAsync(chromium, host.BaseAddress, "alice", new ViewportSize { Width = 390, Height = 800 });
        var menu = alice.Page.GetByRole(AriaRole.Button, new() { Name = "Rooms and direct messages" });
        var sidebar = alice.Page.GetByRole(AriaRole.Navigation, new() { Name = "Rooms and direct messages" });
        await Expect(sidebar).ToBeHiddenAsync();
        await Expect(alice.Composer).ToBeVisibleAsync();

        await menu.ClickAsync();
        await Expect(sidebar).ToBeVisibleAsync();
        await Expect(menu).ToHaveAttributeAsync("aria-expanded", "true");
        await alice.Page.Keyboard.PressAsync("Escape");
        await Expect(sidebar).ToBeHiddenAsync();

        // No horizontal scrolling at phone width.
        Assert.True(await alice.Page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"));
    }

    private static string? Directive(string policy, string name) =>
        policy.Split(';', StringSplitOptions.TrimEntries)
            .Where(d => d.StartsWith(name + " ", StringComparison.Ordinal))
            .Select(d => d[(name.Length + 1)..])
            .FirstOrDefault();

    [GeneratedRegex("<script[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex ScriptTag();
}
