using HubApp.Browser.Tests.Infrastructure;
using HubApp.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace HubApp.Browser.Tests;

/// <summary>Replies (contract v3 "Drafts, replies and threads"): the quote above the composer and on the reply, the jump to the parent, a deleted parent.</summary>
[Collection(UsesChromium.Name)]
public sealed class ReplyTests(Chromium chromium)
{
    [Fact]
    public async Task A_reply_quotes_its_parent_on_both_pages_and_shows_deleted_message_once_the_parent_is_deleted()
    {
        await using var host = await HubAppHost.StartAsync();
        await using var alice = await ChatPage.SignInAsync(chromium, host.BaseAddress, "alice");
        await using var bob = await ChatPage.SignInAsync(chromium, host.BaseAddress, "bob");
        await alice.SendAsync("who has the projector?");
        await Expect(bob.Message("who has the projector?")).ToBeVisibleAsync();

        await bob.LineActionAsync("who has the projector?", "Reply");
        var draft = bob.Page.Locator("#reply-draft");
        await Expect(draft).ToContainTextAsync("who has the projector?");
        await Expect(bob.Composer).ToBeFocusedAsync();
        await bob.SendAsync("I do");
        await Expect(draft).ToBeHiddenAsync();

        foreach (var page in new[] { alice, bob })
        {
            var quote = page.Line("I do").Locator(".reply-quote");
            await Expect(quote).ToContainTextAsync("alice");
            await Expect(quote).ToContainTextAsync("who has the projector?");
            // A quote is no message of its own: the list still reads as the two messages.
            Assert.Equal(["who has the projector?", "I do"], await page.MessageTextsAsync());
        }

        // A page that loads the reply later reads the parent as it is now (GetMessages or what it holds).
        await alice.Page.ReloadAsync();
        await Expect(alice.Status).ToHaveTextAsync("Connected");
        await Expect(alice.Line("I do").Locator(".reply-quote")).ToContainTextAsync("who has the projector?");

        await alice.Line("who has the projector?").HoverAsync();
        await alice.Line("who has the projector?").GetByRole(AriaRole.Button, new() { Name = "Delete message", Exact = true }).ClickAsync();
        await alice.Page.GetByRole(AriaRole.Button, new() { Name = "Delete", Exact = true }).ClickAsync();
        foreach (var page in new[] { alice, bob })
        {
            await Expect(page.Line("I do").Locator(".reply-quote")).ToContainTextAsync("deleted message");
            await Expect(page.Page.Locator("body")).Not.ToContainTextAsync("projector");
        }
    }

    [Fact]
    public async Task Clicking_a_quote_loads_and_shows_a_parent_far_back_in_history()
    {
        // Carol writes 70 messages at once: an allowance that lets her.
        await using var host = await HubAppHost.StartAsync(new Dictionary<string, string?> { ["Limits:MessagesPerSecond"] = "1000", ["Limits:Burst"] = "1000" });
        await using var alice = await ChatPage.SignInAsync(chromium, host.BaseAddress, "alice");
        await using var writer = await host.ConnectAsync("carol");
        await writer.JoinRoomAsync("general").DefaultTimeout();
        await writer.SendMessageAsync("general", "the very first word").DefaultTimeout();
        await Expect(alice.Message("the very first word")).ToBeVisibleAsync();
        await alice.LineActionAsync("the very first word", "Reply");
        for (var i = 0; i < 70; i++)
        {
            await writer.SendMessageAsync("general", $"filler {i}").DefaultTimeout();
        }

        await alice.SendAsync("answering the first word");
        await Expect(alice.Message("filler 69")).ToBeVisibleAsync();

        // A fresh page holds only the newest 50: the parent is read for the quote, and a click brings its line.
        await alice.Page.ReloadAsync();
        await Expect(alice.Status).ToHaveTextAsync("Connected");
        var quote = alice.Line("answering the first word").Locator(".reply-quote");
        await Expect(quote).ToContainTextAsync("the very first word");
        await Expect(alice.Message("the very first word")).ToHaveCountAsync(0);
        await quote.ClickAsync();
        await Expect(alice.Message("the very first word")).ToBeInViewportAsync();
        await Expect(alice.Line("the very first word")).ToBeFocusedAsync();
    }
}
