using HubApp.Browser.Tests.Infrastructure;
using HubApp.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace HubApp.Browser.Tests;

/// <summary>The phone's overlays let go as people expect, and the keyboard has a way past the header.</summary>
public sealed partial class PageTests
{
    [Fact]
    public async Task At_phone_width_the_member_panel_closes_by_its_button_by_Escape_and_by_a_tap_outside()
    {
        await using var host = await HubAppHost.StartAsync();
        await using var alice = await ChatPage.SignInAsync(chromium, host.BaseAddress, "alice", ChatPage.Phone);
        var toggle = alice.Page.Locator("#members-toggle");
        var panel = alice.Page.GetByRole(AriaRole.Complementary, new() { Name = "In this room" });
        await Expect(panel).ToBeHiddenAsync();

        await toggle.ClickAsync();
        await Expect(panel).ToBeVisibleAsync();
        await alice.Page.Keyboard.PressAsync("Escape");
        await Expect(panel).ToBeHiddenAsync();
        await Expect(toggle).ToHaveAttributeAsync("aria-expanded", "false");
        await Expect(toggle).ToBeFocusedAsync();

        await toggle.ClickAsync();
        await Expect(panel).ToBeVisibleAsync();
        // A tap inside keeps it open; one on the conversation closes it.
        await panel.Locator("#members-heading").ClickAsync();
        await Expect(panel).ToBeVisibleAsync();
        await alice.Page.Locator("#conversation-title").ClickAsync();
        await Expect(panel).ToBeHiddenAsync();
        await Expect(toggle).ToHaveAttributeAsync("aria-expanded", "false");

        await toggle.ClickAsync();
        await panel.GetByRole(AriaRole.Button, new() { Name = "Close members" }).ClickAsync();
        await Expect(panel).ToBeHiddenAsync();
        await Expect(toggle).ToBeFocusedAsync();
    }

    [Fact]
    public async Task At_phone_width_the_open_drawer_focuses_the_open_room_keeps_Tab_inside_and_closes_by_a_tap_on_its_backdrop()
    {
        await using var host = await HubAppHost.StartAsync();
        await using var alice = await ChatPage.SignInAsync(chromium, host.BaseAddress, "alice", ChatPage.Phone);
        var menu = alice.Page.GetByRole(AriaRole.Button, new() { Name = "Rooms and direct messages" });
        var sidebar = alice.Page.GetByRole(AriaRole.Navigation, new() { Name = "Rooms and direct messages" });
        var backdrop = alice.Page.Locator("#drawer-backdrop");
        await Expect(backdrop).ToBeHiddenAsync();
        await menu.ClickAsync();
        // Focus goes into the drawer, on the room open, and never on a text box: that would raise a phone's keyboard.
        await Expect(sidebar.GetByRole(AriaRole.Button, new() { Name = "#general", Exact = true })).ToBeFocusedAsync();
        Assert.Equal("BUTTON", await alice.Page.EvaluateAsync<string>("() => document.activeElement.tagName"));
        await Expect(backdrop).ToBeVisibleAsync();

        // #general, the "Write to" input and its button, the Join input, Join, Browse rooms, New room, the search box
        // and its button: Tab goes round them and never out.
        var seen = new List<string>();
        for (var i = 0; i < 10; i++)
        {
            await alice.Page.Keyboard.PressAsync("Tab");
            Assert.True(await FocusIsInsideAsync(alice.Page, "#sidebar"), $"Tab {i + 1} left the drawer");
            seen.Add(await alice.Page.EvaluateAsync<string>("() => document.activeElement.textContent.trim() || document.activeElement.id"));
        }

        Assert.Equal(["dm-user", "Write", "join-room", "Join", "Browse rooms", "New room", "search-input", "Search", "#general", "dm-user"], seen);
        await alice.Page.Keyboard.PressAsync("Shift+Tab");
        await Expect(sidebar.GetByRole(AriaRole.Button, new() { Name = "#general", Exact = true })).ToBeFocusedAsync();

        // The drawer covers the left of the page, the backdrop the rest: a tap on it closes the drawer.
        await backdrop.ClickAsync(new() { Position = new() { X = ChatPage.Phone.Width - 30, Y = 200 } });
        await Expect(sidebar).ToBeHiddenAsync();
        await Expect(backdrop).ToBeHiddenAsync();
        await Expect(menu).ToHaveAttributeAsync("aria-expanded", "false");
    }

    [Fact]
    public async Task The_skip_link_comes_first_and_moves_focus_to_the_messages()
    {
        await using var host = await HubAppHost.StartAsync();
        await using var alice = await ChatPage.SignInAsync(chromium, host.BaseAddress, "alice");
        var skip = alice.Page.GetByRole(AriaRole.Link, new() { Name = "Skip to messages" });
        Assert.Equal("skip-link", await alice.Page.EvaluateAsync<string>("() => document.querySelector('#app a, #app button, #app input, #app textarea, #app [tabindex]').id"));

        // Nothing Tab can reach lies between it and the top bar's first visible control, Notifications (the menu and
        // Reconnect buttons are hidden here).
        await alice.Page.GetByRole(AriaRole.Button, new() { Name = "Notifications" }).FocusAsync();
        await alice.Page.Keyboard.PressAsync("Shift+Tab");
        await Expect(skip).ToBeFocusedAsync();
        await Expect(skip).ToBeInViewportAsync();

        await alice.Page.Keyboard.PressAsync("Enter");
        await Expect(alice.Page.Locator("#messages")).ToBeFocusedAsync();
        Assert.Equal(string.Empty, await alice.Page.EvaluateAsync<string>("() => location.hash"));
        await alice.Page.Keyboard.PressAsync("Tab");
        await Expect(alice.Composer).ToBeFocusedAsync();
    }

    private static Task<bool> FocusIsInsideAsync(IPage page, string selector) =>
        page.EvaluateAsync<bool>("s => document.querySelector(s).contains(document.activeElement)", selector);
}
