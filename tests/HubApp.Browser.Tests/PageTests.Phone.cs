using HubApp.Browser.Tests.Infrastructure;
using HubApp.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace HubApp.Browser.Tests;

/// <summary>A message's actions (React, Reply, Reply in thread, Edit, Delete) show for one line at a time, and the headers fit a phone.</summary>
public sealed partial class PageTests
{
    /// <summary>The message actions a tap at their middle would reach: hidden ones must reach none.</summary>
    private const string TappableActions = """
        () => [...document.querySelectorAll('#message-list .message-action')].filter(b => {
          const r = b.getBoundingClientRect();
          const hit = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
          return r.width > 0 && hit !== null && b.contains(hit);
        }).length
        """;

    [Fact]
    public async Task On_a_phone_a_tap_or_a_long_press_shows_one_own_messages_actions_and_hidden_ones_cover_no_text()
    {
        await using var host = await HubAppHost.StartAsync();
        await using var alice = await ChatPage.SignInAsync(chromium, host.BaseAddress, "alice", ChatPage.Phone, touch: true);
        foreach (var text in new[] { "one", "two", "three" })
        {
            await alice.SendAsync(text);
            await Expect(alice.Message(text)).ToBeVisibleAsync();
        }

        var open = alice.Page.Locator("#message-list > li.actions-open");
        await Expect(open).ToHaveCountAsync(0);
        Assert.Equal(0, await alice.Page.EvaluateAsync<int>(TappableActions));

        await alice.Message("two").TapAsync();
        await Expect(open).ToHaveCountAsync(1);
        await Expect(open.Locator(".message-text")).ToHaveTextAsync("two");
        await Expect(open.GetByRole(AriaRole.Button, new() { Name = "Edit message" })).ToBeVisibleAsync();
        // React, Reply, Reply in thread, Edit and Delete, all within reach of a thumb.
        Assert.Equal(5, await alice.Page.EvaluateAsync<int>(TappableActions));

        await alice.Message("three").TapAsync();
        await Expect(open).ToHaveCountAsync(1);
        await Expect(open.Locator(".message-text")).ToHaveTextAsync("three");
        await alice.Message("three").TapAsync();
        await Expect(open).ToHaveCountAsync(0);

        // A long press shows them too.
        var one = Line(alice, "one");
        await one.DispatchEventAsync("pointerdown", new { pointerType = "touch", isPrimary = true, bubbles = true });
        await Expect(open.Locator(".message-text")).ToHaveTextAsync("one", new() { Timeout = 2_000 });
        await one.DispatchEventAsync("pointerup", new { pointerType = "touch", isPrimary = true, bubbles = true });

        // A tap elsewhere hides them.
        await alice.Page.Locator("#conversation-title").TapAsync();
        await Expect(open).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task On_a_desktop_the_mouse_or_the_keyboard_shows_one_messages_actions_at_a_time()
    {
        await using var host = await HubAppHost.StartAsync();
        await using var alice = await ChatPage.SignInAsync(chromium, host.BaseAddress, "alice", ChatPage.Desktop);
        await alice.SendAsync("one");
        await alice.SendAsync("two");
        var open = alice.Page.Locator("#message-list > li.actions-open");

        await alice.Message("one").HoverAsync();
        await Expect(open.Locator(".message-text")).ToHaveTextAsync("one");
        // The keyboard reaches the other line's buttons, and only that line shows them; Shift+Tab from its first
        // goes back to the line before.
        var reactTwo = Line(alice, "two").GetByRole(AriaRole.Button, new() { Name = "Add reaction", Exact = true });
        await reactTwo.FocusAsync();
        await Expect(open).ToHaveCountAsync(1);
        await Expect(open.Locator(".message-text")).ToHaveTextAsync("two");
        await alice.Page.Keyboard.PressAsync("Shift+Tab");
        await alice.Page.Keyboard.PressAsync("Shift+Tab");
        await Expect(open.Locator(".message-text")).ToHaveTextAsync("one");
        await Expect(open).ToHaveCountAsync(1);
    }

    [Fact]
    public async Task At_phone_width_a_long_name_and_room_fit_the_headers_and_no_button_wraps()
    {
        await using var host = await HubAppHost.StartAsync();
        await using var alice = await ChatPage.SignInAsync(chromium, host.BaseAddress, "alexandra_lee", ChatPage.Phone);
        await alice.Page.GetByRole(AriaRole.Button, new() { Name = "Rooms and direct messages" }).ClickAsync();
        await alice.JoinAsync("design-reviews");

        var problems = await alice.Page.EvaluateAsync<string[]>("""
            () => {
              const problems = [];
              for (const b of document.querySelectorAll('.topbar button, .conversation-header button')) {
                if (b.getClientRects().length === 0) continue;
                const lineHeight = parseFloat(getComputedStyle(b).lineHeight) || 20;
                const padding = parseFloat(getComputedStyle(b).paddingTop) + parseFloat(getComputedStyle(b).paddingBottom);
                if (b.clientHeight - padding > lineHeight * 1.5 || b.scrollWidth > b.clientWidth) problems.push(`button ${b.id || b.textContent} wraps`);
              }
              for (const id of ['me', 'conversation-title']) {
                const e = document.getElementById(id);
                if (e.scrollWidth > e.clientWidth) problems.push(`#${id} is cut off`);
              }
              if (document.documentElement.scrollWidth > window.innerWidth) problems.push('the page scrolls sideways');
              return problems;
            }
            """);
        Assert.Empty(problems);
        await Expect(alice.Page.Locator("#me")).ToHaveTextAsync("alexandra_lee");
        await Expect(alice.Status).ToHaveTextAsync("Connected");
    }

    /// <summary>The message line (li) whose text is <paramref name="text"/>.</summary>
    private static ILocator Line(ChatPage page, string text) =>
        page.Page.Locator("#message-list > li", new() { Has = page.Page.Locator(".message-text", new() { HasTextRegex = new($"^{System.Text.RegularExpressions.Regex.Escape(text)}$") }) });
}
