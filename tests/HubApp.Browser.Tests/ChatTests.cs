using System.Text.RegularExpressions;
using HubApp.Browser.Tests.Infrastructure;
using HubApp.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace HubApp.Browser.Tests;

/// <summary>Two people, each in a browser context of their own, chat through the real host.</summary>
[Collection(UsesChromium.Name)]
public sealed partial class ChatTests(Chromium chromium)
{
    [Fact]
    public async Task Two_users_see_each_others_presence_typing_and_messages()
    {
        await using var host = await HubAppHost.StartAsync();
        await using var alice = await ChatPage.SignInAsync(chromium, host.BaseAddress, "alice");
        await using var bob = await ChatPage.SignInAsync(chromium, host.BaseAddress, "bob");
        await Expect(alice.Members).ToHaveTextAsync([new Regex("^alice"), new Regex("^bob")]);
        await Expect(bob.Members).ToHaveTextAsync([new Regex("^alice"), new Regex("^bob")]);

        await bob.Composer.PressSequentiallyAsync("hel");
        await Expect(alice.Typing).ToHaveTextAsync("bob is typing…");
        await bob.Composer.PressSequentiallyAsync("lo alice");
        await bob.Composer.PressAsync("Enter");
        await Expect(alice.Message("hello alice")).ToBeVisibleAsync();
        await Expect(alice.Typing).ToHaveTextAsync(string.Empty);
        await Expect(bob.Message("hello alice")).ToHaveCountAsync(1);

        await alice.Composer.FillAsync("hi bob");
        await alice.Composer.PressAsync("Shift+Enter");
        await alice.Composer.PressSequentiallyAsync("second line");
        await alice.Composer.PressAsync("Enter");
        await Expect(bob.Message("hi bob\nsecond line")).ToHaveCountAsync(1);

        // Own messages are set apart; the other's are not.
        await Expect(alice.Page.Locator("#message-list > li.own")).ToHaveCountAsync(1);
        await Expect(alice.Page.Locator("#message-list > li.own .message-text")).ToHaveTextAsync("hi bob\nsecond line");
        Assert.Equal(["hello alice", "hi bob\nsecond line"], await bob.MessageTextsAsync());

        await bob.Page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(alice.Members).ToHaveTextAsync([new Regex("^alice")]);
    }

    [Fact]
    public async Task A_message_with_markup_is_shown_as_text_and_runs_nothing()
    {
        const string Attack = "<img src=x onerror=alert(1)><script>alert(2)</script>";
        await using var host = await HubAppHost.StartAsync();
        await using var alice = await ChatPage.SignInAsync(chromium, host.BaseAddress, "alice");
        await using var bob = await ChatPage.SignInAsync(chromium, host.BaseAddress, "bob");
        var dialogs = 0;
        alice.Page.Dialog += (_, dialog) => { dialogs++; _ = dialog.DismissAsync(); };
        bob.Page.Dialog += (_, dialog) => { dialogs++; _ = dialog.DismissAsync(); };
        await bob.SendAsync(Attack);
        await Expect(alice.Message(Attack)).ToBeVisibleAsync();
        await Expect(bob.Message(Attack)).ToBeVisibleAsync();
        // Give an onerror handler every chance to fire.
        await alice.Page.WaitForTimeoutAsync(500);

        Assert.Equal(0, dialogs);
        await Expect(alice.Page.Locator("#message-list img, #message-list script")).ToHaveCountAsync(0);
        await Expect(bob.Page.Locator("#message-list img, #message-list script")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task Rooms_count_unread_messages_and_members_get_direct_messages()
    {
        await using var host = await HubAppHost.StartAsync();
        await using var alice = await ChatPage.SignInAsync(chromium, host.BaseAddress, "alice");
        await using var bob = await ChatPage.SignInAsync(chromium, host.BaseAddress, "bob");
        await bob.JoinAsync("random");
        await alice.JoinAsync("random");
        await alice.Page.GetByRole(AriaRole.Button, new() { Name = "#general" }).ClickAsync();
        await bob.SendAsync("over in random");
        await bob.SendAsync("still here");
        await Expect(alice.Page.GetByRole(AriaRole.Button, new() { Name = "#random, 2 unread" })).ToBeVisibleAsync();
        await alice.Page.GetByRole(AriaRole.Button, new() { NameRegex = new("^#random") }).ClickAsync();
        await Expect(alice.Message("still here")).ToBeVisibleAsync();
        await Expect(alice.Page.GetByRole(AriaRole.Button, new() { Name = "#random", Exact = true })).ToBeVisibleAsync();

        await alice.Page.GetByRole(AriaRole.Button, new() { Name = "Message bob" }).ClickAsync();
        await Expect(alice.Page.Locator("#conversation-title")).ToHaveTextAsync("@bob");
        await alice.SendAsync("just between us");
        await Expect(bob.Page.GetByRole(AriaRole.Button, new() { Name = "alice, 1 unread" })).ToBeVisibleAsync();
        await bob.Page.GetByRole(AriaRole.Button, new() { NameRegex = new("^alice") }).ClickAsync();
        await Expect(bob.Message("just between us")).ToHaveCountAsync(1);
        await Expect(alice.Message("just between us")).ToHaveCountAsync(1);

        await alice.Page.GetByRole(AriaRole.Button, new() { Name = "#random" }).ClickAsync();
        await Expect(alice.Members).ToHaveTextAsync([new Regex("^alice"), new Regex("^bob")]);
        await bob.Page.GetByRole(AriaRole.Button, new() { Name = "#random" }).ClickAsync();
        await bob.Page.GetByRole(AriaRole.Button, new() { Name = "Leave room" }).ClickAsync();
        await Expect(bob.Page.GetByRole(AriaRole.Button, new() { NameRegex = new("^#random") })).ToHaveCountAsync(0);
        await Expect(alice.Members).ToHaveTextAsync([new Regex("^alice")]);
    }

    [Fact]
    public async Task A_room_whose_first_message_is_shown_says_so_instead_of_offering_older_ones()
    {
        await using var host = await HubAppHost.StartAsync();
        await using (var carol = await host.ConnectAsync("carol"))
        {
            await carol.JoinRoomAsync("general").DefaultTimeout();
            await carol.SendMessageAsync("general", "first").DefaultTimeout();
            await carol.SendMessageAsync("general", "second").DefaultTimeout();
        }

        await using var alice = await ChatPage.SignInAsync(chromium, host.BaseAddress, "alice");

        await Expect(alice.Messages).ToHaveCountAsync(2);
        await Expect(alice.Page.Locator("#history-start")).ToHaveTextAsync("This is the beginning of #general.");
        await Expect(alice.Page.GetByRole(AriaRole.Button, new() { Name = "Load older messages" })).ToBeHiddenAsync();
    }

    [Fact]
    public async Task Scrolling_back_loads_older_messages_once_each()
    {
        await using var host = await HubAppHost.StartAsync();
        await using (var carol = await host.ConnectAsync("carol"))
        {
            await carol.JoinRoomAsync("general").DefaultTimeout();
            for (var i = 1; i <= 70; i++)
            {
                await carol.SendMessageAsync("general", $"old {i}").DefaultTimeout();
            }
        }

        await using var alice = await ChatPage.SignInAsync(chromium, host.BaseAddress, "alice");
        // A join shows the latest 50; the rest come on scrolling to the top.
        await Expect(alice.Messages).ToHaveCountAsync(50);
        await alice.Page.Locator("#messages").EvaluateAsync("list => list.scrollTop = 0");
        await Expect(alice.Messages).ToHaveCountAsync(70);
        await Expect(alice.Page.Locator("#history-start")).ToHaveTextAsync("This is the beginning of #general.");
        Assert.Equal(Enumerable.Range(1, 70).Select(i => $"old {i}"), await alice.MessageTextsAsync());
    }

    [Fact]
    public async Task Sends_beyond_the_servers_allowance_are_paced_and_all_delivered_instead_of_refused()
    {
        await using var host = await HubAppHost.StartAsync(new Dictionary<string, string?>
        {
            ["Limits:MessagesPerSecond"] = "1",
            ["Limits:Burst"] = "2",
        });
        await using var alice = await ChatPage.SignInAsync(chromium, host.BaseAddress, "alice");
        await alice.SendAsync("one");
        await alice.SendAsync("two");
        await alice.SendAsync("three");
        await alice.SendAsync("four");
        await Expect(alice.Pending).ToHaveCountAsync(0);
        Assert.Equal(["one", "two", "three", "four"], await alice.MessageTextsAsync());
        // The server's rate_limited was waited out, not shown.
        await Expect(alice.Toasts).Not.ToContainTextAsync("too fast");
    }
}
