using HubApp.Browser.Tests.Infrastructure;
using HubApp.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace HubApp.Browser.Tests;

/// <summary>Mentions (contract v3 "Mentions"): `@` completion in the composer, the highlight, and a badge of its own in the sidebar.</summary>
[Collection(UsesChromium.Name)]
public sealed class MentionTests(Chromium chromium)
{
    [Fact]
    public async Task Typing_at_offers_the_rooms_people_by_keyboard_and_the_mention_is_highlighted_and_counted_for_the_one_mentioned()
    {
        await using var host = await HubAppHost.StartAsync();
        await using var alice = await ChatPage.SignInAsync(chromium, host.BaseAddress, "alice");
        await using var bob = await ChatPage.SignInAsync(chromium, host.BaseAddress, "bob");
        await using var bella = await ChatPage.SignInAsync(chromium, host.BaseAddress, "bella");
        await Expect(alice.Members).ToHaveCountAsync(3);
        // Bob reads #random meanwhile: the mention in #general is unread for him.
        await bob.JoinAsync("random");

        await alice.Composer.PressSequentiallyAsync("hey @b");
        var options = alice.Page.GetByRole(AriaRole.Listbox, new() { Name = "People to mention" }).GetByRole(AriaRole.Option);
        await Expect(options).ToHaveCountAsync(2);
        await Expect(options.Nth(0)).ToHaveAttributeAsync("aria-selected", "true");
        await Expect(alice.Composer).ToHaveAttributeAsync("aria-activedescendant", (await options.Nth(0).GetAttributeAsync("id"))!);
        await alice.Composer.PressAsync("ArrowDown");
        await Expect(options.Nth(1)).ToHaveAttributeAsync("aria-selected", "true");
        await Expect(options.Nth(1)).ToContainTextAsync("bob");
        // Enter takes the option (it does not send), Escape would close the list.
        await alice.Composer.PressAsync("Enter");
        await Expect(alice.Composer).ToHaveValueAsync("hey @bob ");
        await Expect(options).ToHaveCountAsync(0);
        await alice.Composer.PressSequentiallyAsync("the build is green");
        await alice.Composer.PressAsync("Enter");
        await Expect(alice.Composer).ToHaveValueAsync(string.Empty);

        // Bob is not in #general's view: a badge of its own, beside the unread one.
        await Expect(bob.Channel("#general, 1 unread, 1 mention")).ToBeVisibleAsync();
        await Expect(bella.Channel("#general")).ToBeVisibleAsync();
        await bob.Channel("#general, 1 unread, 1 mention").ClickAsync();
        await Expect(bob.Line("hey @bob the build is green")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex(@"\bmentioned\b"));
        await Expect(bob.Line("hey @bob the build is green").Locator("mark.mention")).ToHaveTextAsync("@bob");
        await Expect(bob.Channel("#general")).ToBeVisibleAsync();
        // Nobody else's line is marked.
        await Expect(bella.Line("hey @bob the build is green")).Not.ToHaveClassAsync(new System.Text.RegularExpressions.Regex(@"\bmentioned\b"));
    }

    [Fact]
    public async Task A_mention_in_a_room_not_open_shows_the_badge_there_counted_once_though_Mentioned_and_the_message_both_come()
    {
        await using var host = await HubAppHost.StartAsync();
        await using var bob = await ChatPage.SignInAsync(chromium, host.BaseAddress, "bob");
        await bob.JoinAsync("ops");
        await using var alice = await host.ConnectAsync("alice");
        await alice.JoinRoomAsync("ops").DefaultTimeout();
        await bob.Channel("#general").ClickAsync();
        await alice.SendMessageAsync("ops", "@bob the disk is full").DefaultTimeout();
        await Expect(bob.Channel("#ops, 1 unread, 1 mention")).ToBeVisibleAsync();
        await Expect(bob.Page.Locator("#room-list .mention-badge")).ToHaveTextAsync("@1");
        await alice.SendMessageAsync("ops", "no mention").DefaultTimeout();
        await Expect(bob.Channel("#ops, 2 unread, 1 mention")).ToBeVisibleAsync();
        await bob.Channel("#ops, 2 unread, 1 mention").ClickAsync();
        await Expect(bob.Channel("#ops")).ToBeVisibleAsync();
    }
}
