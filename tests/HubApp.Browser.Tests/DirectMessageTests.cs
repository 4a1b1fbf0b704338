using HubApp.Browser.Tests.Infrastructure;
using HubApp.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace HubApp.Browser.Tests;

/// <summary>Direct messages are stored: they come back after a reload and a reconnect, and wait for someone who was offline.</summary>
[Collection(UsesChromium.Name)]
public sealed class DirectMessageTests(Chromium chromium)
{
    /// <summary>Automatic reconnect retries every 5 s at most.</summary>
    private const float ReconnectTimeoutMs = 30_000;

    [Fact]
    public async Task A_direct_message_to_someone_who_never_signed_in_is_there_when_they_sign_in()
    {
        await using var host = await HubAppHost.StartAsync();
        await using var alice = await ChatPage.SignInAsync(chromium, host.BaseAddress, "alice");
        await alice.Page.GetByLabel("Write to").FillAsync("dave");
        await alice.Page.GetByRole(AriaRole.Button, new() { Name = "Write", Exact = true }).ClickAsync();
        await Expect(alice.Page.Locator("#conversation-title")).ToHaveTextAsync("@dave");
        await alice.SendAsync("see you when you are back");
        await Expect(alice.Message("see you when you are back")).ToHaveCountAsync(1);

        await using var dave = await ChatPage.SignInAsync(chromium, host.BaseAddress, "dave");
        await Expect(dave.Channel("alice, 1 unread")).ToBeVisibleAsync();
        await dave.Channel("alice, 1 unread").ClickAsync();
        await Expect(dave.Page.Locator("#conversation-title")).ToHaveTextAsync("@alice");
        await Expect(dave.Message("see you when you are back")).ToHaveCountAsync(1);
        await Expect(dave.Channel("alice")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Writing_to_someone_never_seen_here_says_so_and_sends_anyway_while_someone_present_gets_no_such_note()
    {
        await using var host = await HubAppHost.StartAsync();
        await using var alice = await ChatPage.SignInAsync(chromium, host.BaseAddress, "alice");
        await using var bob = await ChatPage.SignInAsync(chromium, host.BaseAddress, "bob");
        var note = alice.Page.Locator("#conversation-notice");
        await Expect(alice.Members).ToHaveCountAsync(2);

        await alice.Page.GetByLabel("Write to").FillAsync("zed");
        await alice.Page.GetByRole(AriaRole.Button, new() { Name = "Write", Exact = true }).ClickAsync();
        await Expect(alice.Page.Locator("#conversation-title")).ToHaveTextAsync("@zed");
        await Expect(note).ToBeVisibleAsync();
        await Expect(note).ToHaveRoleAsync(AriaRole.Status);
        await Expect(note).ToContainTextAsync("zed has not been seen here yet");
        await alice.SendAsync("hello, whoever you are");
        await Expect(alice.Page.Locator("#message-list > li[data-id]")).ToHaveCountAsync(1);
        await Expect(note).ToContainTextAsync("not been seen here yet");

        // bob is in #general with alice: no note.
        await alice.Page.GetByLabel("Write to").FillAsync("bob");
        await alice.Page.GetByRole(AriaRole.Button, new() { Name = "Write", Exact = true }).ClickAsync();
        await Expect(alice.Page.Locator("#conversation-title")).ToHaveTextAsync("@bob");
        await Expect(note).ToBeHiddenAsync();
    }

    [Fact]
    public async Task After_a_reload_conversations_direct_history_and_their_unread_counts_come_back()
    {
        await using var host = await HubAppHost.StartAsync();
        await using var alice = await ChatPage.SignInAsync(chromium, host.BaseAddress, "alice");
        await using var bob = await host.ConnectAsync("bob");
        await bob.SendDirectMessageAsync("alice", "first").DefaultTimeout();
        await bob.SendDirectMessageAsync("alice", "second").DefaultTimeout();
        await Expect(alice.Channel("bob, 2 unread")).ToBeVisibleAsync();

        await alice.Page.ReloadAsync();
        await Expect(alice.Status).ToHaveTextAsync("Connected");
        await Expect(alice.Channel("bob, 2 unread")).ToBeVisibleAsync();
        await alice.Channel("bob, 2 unread").ClickAsync();
        await Expect(alice.Message("second")).ToBeVisibleAsync();
        await alice.SendAsync("third, from me");
        Assert.Equal(["first", "second", "third, from me"], await alice.MessageTextsAsync());
        await Expect(alice.Channel("bob")).ToBeVisibleAsync();

        await alice.Page.ReloadAsync();
        await Expect(alice.Status).ToHaveTextAsync("Connected");
        await Expect(alice.Channel("bob")).ToBeVisibleAsync();
        await alice.Channel("bob").ClickAsync();
        await Expect(alice.Messages).ToHaveCountAsync(3);
        Assert.Equal(["first", "second", "third, from me"], await alice.MessageTextsAsync());
        await Expect(alice.Page.Locator("#history-start")).ToHaveTextAsync("This is the beginning of your conversation with bob.");
    }

    [Fact]
    public async Task A_direct_message_sent_while_the_page_is_reconnecting_is_shown_once_after_the_reconnect()
    {
        await using var host = await HubAppHost.StartAsync();
        var network = new Network();
        await using var alice = await ChatPage.SignInAsync(chromium, host.BaseAddress, "alice", beforeSignIn: network.RouteAsync);
        await using var bob = await host.ConnectAsync("bob");
        var aliceGone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        bob.UserLeft += left =>
        {
            if (left.UserId == "alice")
            {
                aliceGone.TrySetResult();
            }

            return Task.CompletedTask;
        };
        await bob.JoinRoomAsync("general").DefaultTimeout();
        await bob.SendDirectMessageAsync("alice", "before the cut").DefaultTimeout();
        await Expect(alice.Channel("bob, 1 unread")).ToBeVisibleAsync();

        await network.CutAsync();
        await Expect(alice.Status).ToHaveTextAsync("Reconnecting…");
        // The server has let alice's connection go: no live delivery can reach the page, only the sync after the reconnect.
        await aliceGone.Task.DefaultTimeout();
        await bob.SendDirectMessageAsync("alice", "while you were away").DefaultTimeout();

        await network.RestoreAsync();
        await Expect(alice.Status).ToHaveTextAsync("Connected", new() { Timeout = ReconnectTimeoutMs });
        await Expect(alice.Channel("bob, 2 unread")).ToBeVisibleAsync();
        await alice.Channel("bob, 2 unread").ClickAsync();
        await Expect(alice.Message("while you were away")).ToHaveCountAsync(1);
        Assert.Equal(["before the cut", "while you were away"], await alice.MessageTextsAsync());

        // And the conversation is live again, still with each message once.
        await bob.SendDirectMessageAsync("alice", "welcome back").DefaultTimeout();
        await Expect(alice.Message("welcome back")).ToHaveCountAsync(1);
        Assert.Equal(["before the cut", "while you were away", "welcome back"], await alice.MessageTextsAsync());
    }
}
