using HubApp.Browser.Tests.Infrastructure;
using HubApp.Testing;
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
        await carol.JoinRoomAsync("random").DefaultTimeout();
        await carol.SendMessageAsync("random", "one").DefaultTimeout();
        await carol.SendMessageAsync("random", "two").DefaultTimeout();
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
        await carol.SendMessageAsync("random", "three").DefaultTimeout();
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
        await carol.JoinRoomAsync("random").DefaultTimeout();
        await carol.SendMessageAsync("random", "anyone here?").DefaultTimeout();
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
        await carol.JoinRoomAsync("random").DefaultTimeout();
        await carol.SendMessageAsync("random", "lunch?").DefaultTimeout();
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
        await carol.JoinRoomAsync("general").DefaultTimeout();
        await PostLinesAsync(carol, "line", 40);

        await using var alice = await ChatPage.SignInAsync(chromium, host.BaseAddress, "alice");
        var jump = alice.Page.GetByRole(AriaRole.Button, new() { Name = "Jump to latest", Exact = true });
        // Never read, the room opens at its first line under "New messages": down to the newest first.
        await jump.ClickAsync();
        await Expect(alice.Message("line 40")).ToBeInViewportAsync();
        await Expect(jump).ToBeHiddenAsync();

        // Scrolled up as a reader would, away from the newest line.
        await alice.Page.Locator("#messages").HoverAsync();
        await alice.Page.Mouse.WheelAsync(0, -1500);
        await Expect(alice.Message("line 40")).Not.ToBeInViewportAsync();
        await Expect(jump).ToBeVisibleAsync();

        await carol.SendMessageAsync("general", "something new").DefaultTimeout();
        await Expect(alice.Message("something new")).ToHaveCountAsync(1);
        // The page leaves the reader where they were, and offers the way down.
        await Expect(alice.Message("something new")).Not.ToBeInViewportAsync();
        await Expect(jump).ToBeVisibleAsync();

        await jump.ClickAsync();
        await Expect(alice.Message("something new")).ToBeInViewportAsync();
        await Expect(jump).ToBeHiddenAsync();
    }

    [Fact]
    public async Task A_room_never_read_shows_New_messages_above_the_first_line_by_others_on_one_line_below_Today()
    {
        await using var host = await HubAppHost.StartAsync();
        await using var carol = await host.ConnectAsync("carol");
        await carol.JoinRoomAsync("general").DefaultTimeout();
        await carol.SendMessageAsync("general", "one").DefaultTimeout();
        await carol.SendMessageAsync("general", "two").DefaultTimeout();

        // alice has never read #general: her marker is 0, and everything by others is unread.
        await using var alice = await ChatPage.SignInAsync(chromium, host.BaseAddress, "alice", ChatPage.Phone);
        await ExpectDividerAboveAsync(alice, "one");

        // Seen, they are read: the next visit has no divider.
        await Expect(alice.Page).ToHaveTitleAsync(Title);
        await alice.Page.ReloadAsync();
        await Expect(alice.Status).ToHaveTextAsync("Connected");
        await Expect(alice.Message("two")).ToBeVisibleAsync();
        await Expect(alice.Page.GetByRole(AriaRole.Separator, new() { Name = "New messages" })).ToHaveCountAsync(0);
    }

    [Theory]
    [InlineData(390, 844)]
    [InlineData(1280, 800)]
    public async Task After_a_reload_the_page_opens_at_the_New_messages_divider(int width, int height)
    {
        await using var host = await HubAppHost.StartAsync();
        await using var carol = await host.ConnectAsync("carol");
        await carol.JoinRoomAsync("general").DefaultTimeout();
        await carol.SendMessageAsync("general", "read already").DefaultTimeout();
        await using var alice = await ChatPage.SignInAsync(chromium, host.BaseAddress, "alice", new ViewportSize { Width = width, Height = height });
        await Expect(alice.Message("read already")).ToBeVisibleAsync();
        await Expect(alice.Page).ToHaveTitleAsync(Title);
        await alice.Page.WaitForTimeoutAsync(500); // MarkRead on its way.

        // Away (the tab on another page) while 40 lines come.
        await alice.Page.GotoAsync("about:blank");
        await PostLinesAsync(carol, "new", 40);

        await alice.Page.GotoAsync("/");
        await Expect(alice.Status).ToHaveTextAsync("Connected");
        var divider = alice.Page.GetByRole(AriaRole.Separator, new() { Name = "New messages" });
        await Expect(alice.Page.Locator("#message-list > li", new() { Has = divider }).Locator(".message-text")).ToHaveTextAsync("new 1");
        await Expect(divider).ToBeInViewportAsync();
        await Expect(alice.Message("new 1")).ToBeInViewportAsync();
        await Expect(alice.Message("new 40")).Not.ToBeInViewportAsync();
        await Expect(alice.Page.GetByRole(AriaRole.Button, new() { Name = "Jump to latest", Exact = true })).ToBeVisibleAsync();

        // Nothing below was seen, so nothing was read: the next reload opens there again.
        await alice.Page.ReloadAsync();
        await Expect(alice.Status).ToHaveTextAsync("Connected");
        await Expect(divider).ToBeInViewportAsync();
        await Expect(alice.Message("new 40")).Not.ToBeInViewportAsync();
    }

    [Theory]
    [InlineData(390, 844)]
    [InlineData(1280, 800)]
    public async Task Toasts_and_Jump_to_latest_never_cover_the_composer(int width, int height)
    {
        await using var host = await HubAppHost.StartAsync();
        await using var carol = await host.ConnectAsync("carol");
        await carol.JoinRoomAsync("general").DefaultTimeout();
        await PostLinesAsync(carol, "line", 40);

        await using var alice = await ChatPage.SignInAsync(chromium, host.BaseAddress, "alice", new ViewportSize { Width = width, Height = height });
        var jump = alice.Page.GetByRole(AriaRole.Button, new() { Name = "Jump to latest", Exact = true });
        await alice.Page.Locator("#messages").HoverAsync();
        await alice.Page.Mouse.WheelAsync(0, -3000);
        await Expect(jump).ToBeVisibleAsync();
        // A composer grown to its tallest with a text too long to send, whose refusal is a toast.
        await alice.Composer.FillAsync(string.Concat(Enumerable.Repeat("too long\n", 500)));
        await alice.Composer.PressAsync("Enter");
        var toast = alice.Toasts.Locator(".toast");
        await Expect(toast).ToContainTextAsync("too long");

        var composer = await alice.Page.Locator("#composer").BoundingBoxAsync();
        foreach (var (name, box) in new[] { ("toast", await toast.BoundingBoxAsync()), ("Jump to latest", await jump.BoundingBoxAsync()) })
        {
            Assert.True(box!.Y + box.Height <= composer!.Y, $"{name} (bottom {box.Y + box.Height}) covers the composer (top {composer.Y})");
        }
    }

    /// <summary>The "New messages" divider is in the line <paramref name="text"/>, on one line, across the list, clear of the day's separator.</summary>
    private static async Task ExpectDividerAboveAsync(ChatPage page, string text)
    {
        var divider = page.Page.GetByRole(AriaRole.Separator, new() { Name = "New messages" });
        await Expect(page.Page.Locator("#message-list > li", new() { Has = divider }).Locator(".message-text")).ToHaveTextAsync(text);
        var box = await divider.BoundingBoxAsync();
        var day = await page.Page.Locator("#message-list .day-separator").First.BoundingBoxAsync();
        var list = await page.Page.Locator("#message-list").BoundingBoxAsync();
        Assert.InRange(box!.Height, 1, 24);
        Assert.InRange(box.Width, list!.Width - 2, list.Width + 2);
        Assert.True(day!.Y + day.Height <= box.Y, $"the day separator (bottom {day.Y + day.Height}) overlaps New messages (top {box.Y})");
    }

    /// <summary>Posts "<paramref name="prefix"/> 1" … "<paramref name="prefix"/> <paramref name="count"/>" to #general.</summary>
    private static async Task PostLinesAsync(HubApp.Client.ChatClient client, string prefix, int count)
    {
        for (var i = 1; i <= count; i++)
        {
            await client.SendMessageAsync("general", $"{prefix} {i}").DefaultTimeout();
        }
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
