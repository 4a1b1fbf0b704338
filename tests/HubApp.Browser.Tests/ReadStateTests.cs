using HubApp.Browser.Tests.Infrastructure;
using HubApp.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace HubApp.Browser.Tests;

/// <summary>Unread counts and read markers come from the server: they survive a reload and are shared by a user's tabs.</summary>
[Collection(UsesChromium.Name)]
public sealed class ReadStateTests(Chromium chromium)
{
    private const string Title = "HubApp chat";

    [Fact]
    public async Task Unread_counts_come_back_after_a_reload_and_the_tab_title_shows_the_total()
    {
        await using var host = await HubAppHost.StartAsync();
        await using var alice = await InGeneralWithRandomJoinedAsync(host, "alice");
        await using var carol = await host.ConnectAsync("carol");
        await carol.JoinRoomAsync("random").WaitAsync(TestTimeouts.Default);
        await carol.SendMessageAsync("random", "one").WaitAsync(TestTimeouts.Default);
        await carol.SendMessageAsync("random", "two").WaitAsync(TestTimeouts.Default);
        await Expect(alice.Channel("#random, 2 unread")).ToBeVisibleAsync();
        await Expect(alice.Page).ToHaveTitleAsync($"(2) {Title}");

        await alice.Page.ReloadAsync();
        await Expect(alice.Status).ToHaveTextAsync("Connected");
        await Expect(alice.Channel("#random, 2 unread")).ToBeVisibleAsync();
        await Expect(alice.Page).ToHaveTitleAsync($"(2) {Title}");

        // Opening the room reads it, and the server keeps that too.
        await alice.Channel("#random, 2 unread").ClickAsync();
        await Expect(alice.Message("two")).ToBeVisibleAsync();
        await Expect(alice.Channel("#random")).ToBeVisibleAsync();
        await Expect(alice.Page).ToHaveTitleAsync(Title);
        await alice.Page.GetByRole(AriaRole.Button, new() { Name = "#general" }).ClickAsync();
        await alice.Page.ReloadAsync();
        await Expect(alice.Status).ToHaveTextAsync("Connected");
        await Expect(alice.Page.Locator("#conversation-title")).ToHaveTextAsync("#general");
        await Expect(alice.Channel("#random")).ToBeVisibleAsync();
        await Expect(alice.Page).ToHaveTitleAsync(Title);

        // What came after the marker is set apart by the "New messages" divider.
        await carol.SendMessageAsync("random", "three").WaitAsync(TestTimeouts.Default);
        await Expect(alice.Channel("#random, 1 unread")).ToBeVisibleAsync();
        await alice.Channel("#random, 1 unread").ClickAsync();
        var divider = alice.Page.GetByRole(AriaRole.Separator, new() { Name = "New messages" });
        await Expect(divider).ToHaveCountAsync(1);
        await Expect(alice.Page.Locator("#message-list > li", new() { Has = divider }).Locator(".message-text")).ToHaveTextAsync("three");
    }

    [Fact]
    public async Task Reading_a_room_in_one_tab_clears_its_count_in_the_other()
    {
        await using var host = await HubAppHost.StartAsync();
        await using var first = await InGeneralWithRandomJoinedAsync(host, "alice");
        // A second tab of the same browser: its own sign-in (per tab), the rooms alice had (per browser).
        var second = await first.OpenTabAsync("alice");
        await Expect(second.Channel("#random")).ToBeVisibleAsync();
        await Expect(second.Page.Locator("#conversation-title")).ToHaveTextAsync("#general");

        await using var carol = await host.ConnectAsync("carol");
        await carol.JoinRoomAsync("random").WaitAsync(TestTimeouts.Default);
        await carol.SendMessageAsync("random", "anyone here?").WaitAsync(TestTimeouts.Default);
        await Expect(first.Channel("#random, 1 unread")).ToBeVisibleAsync();
        await Expect(second.Channel("#random, 1 unread")).ToBeVisibleAsync();
        await Expect(first.Page).ToHaveTitleAsync($"(1) {Title}");

        await second.Page.BringToFrontAsync();
        await second.Channel("#random, 1 unread").ClickAsync();
        await Expect(second.Message("anyone here?")).ToBeVisibleAsync();
        await Expect(first.Channel("#random")).ToBeVisibleAsync();
        await Expect(first.Page).ToHaveTitleAsync(Title);
    }

    [Fact]
    public async Task At_phone_width_the_menu_buttons_badge_counts_a_message_in_another_room_until_it_is_read()
    {
        await using var host = await HubAppHost.StartAsync();
        await using var alice = await ChatPage.SignInAsync(chromium, host.BaseAddress, "alice", ChatPage.Phone);
        var menu = alice.Page.GetByRole(AriaRole.Button, new() { Name = "Rooms and direct messages" });
        var badge = alice.Page.Locator("#menu-unread");
        await menu.ClickAsync();
        await alice.JoinAsync("random");
        await menu.ClickAsync();
        await alice.Channel("#general").ClickAsync();
        await Expect(alice.Page.Locator("#conversation-title")).ToHaveTextAsync("#general");
        await Expect(badge).ToBeHiddenAsync();

        await using var carol = await host.ConnectAsync("carol");
        await carol.JoinRoomAsync("random").WaitAsync(TestTimeouts.Default);
        await carol.SendMessageAsync("random", "lunch?").WaitAsync(TestTimeouts.Default);
        await Expect(badge).ToBeVisibleAsync();
        await Expect(badge.Locator("[aria-hidden=true]")).ToHaveTextAsync("1");
        await Expect(menu).ToHaveAccessibleDescriptionAsync("1 unread");

        await menu.ClickAsync();
        await alice.Channel("#random, 1 unread").ClickAsync();
        await Expect(alice.Message("lunch?")).ToBeVisibleAsync();
        await Expect(badge).ToBeHiddenAsync();
    }

    [Fact]
    public async Task Jump_to_latest_shows_when_a_message_arrives_while_scrolled_up_and_takes_the_reader_to_it()
    {
        await using var host = await HubAppHost.StartAsync();
        await using var carol = await host.ConnectAsync("carol");
        await carol.JoinRoomAsync("general").WaitAsync(TestTimeouts.Default);
        for (var i = 1; i <= 40; i++)
        {
            await carol.SendMessageAsync("general", $"line {i}").WaitAsync(TestTimeouts.Default);
        }

        await using var alice = await ChatPage.SignInAsync(chromium, host.BaseAddress, "alice");
        var jump = alice.Page.GetByRole(AriaRole.Button, new() { Name = "Jump to latest", Exact = true });
        await Expect(alice.Message("line 40")).ToBeInViewportAsync();
        await Expect(jump).ToBeHiddenAsync();

        // Scrolled up as a reader would, away from the newest line.
        await alice.Page.Locator("#messages").HoverAsync();
        await alice.Page.Mouse.WheelAsync(0, -1500);
        await Expect(alice.Message("line 40")).Not.ToBeInViewportAsync();
        await Expect(jump).ToBeVisibleAsync();

        await carol.SendMessageAsync("general", "something new").WaitAsync(TestTimeouts.Default);
        await Expect(alice.Message("something new")).ToHaveCountAsync(1);
        // The page leaves the reader where they were, and offers the way down.
        await Expect(alice.Message("something new")).Not.ToBeInViewportAsync();
        await Expect(jump).ToBeVisibleAsync();

        await jump.ClickAsync();
        await Expect(alice.Message("something new")).ToBeInViewportAsync();
        await Expect(jump).ToBeHiddenAsync();
    }

    /// <summary>Signs in (joining #general), joins #random and goes back to #general, where #random's messages count as unread.</summary>
    private async Task<ChatPage> InGeneralWithRandomJoinedAsync(HubAppHost host, string userName)
    {
        var chat = await ChatPage.SignInAsync(chromium, host.BaseAddress, userName);
        await chat.JoinAsync("random");
        await chat.Channel("#general").ClickAsync();
        return chat;
    }
}
