using HubApp.Browser.Tests.Infrastructure;
using HubApp.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace HubApp.Browser.Tests;

/// <summary>Reactions from the page (contract v3 "Reactions"): the bar under a message, toggled by a click, on both pages and after a reload.</summary>
[Collection(UsesChromium.Name)]
public sealed class ReactionTests(Chromium chromium)
{
    [Fact]
    public async Task A_reaction_picked_shows_on_both_pages_highlighted_for_its_author_and_a_click_takes_it_back()
    {
        await using var host = await HubAppHost.StartAsync();
        await using var alice = await ChatPage.SignInAsync(chromium, host.BaseAddress, "alice");
        await using var bob = await ChatPage.SignInAsync(chromium, host.BaseAddress, "bob");
        await alice.SendAsync("lunch at noon?");
        await Expect(bob.Message("lunch at noon?")).ToBeVisibleAsync();

        // Bob picks 👍 from the picker; alice adds the same one from the bar, then a free-text one.
        await bob.LineActionAsync("lunch at noon?", "Add reaction");
        await bob.Page.GetByRole(AriaRole.Dialog, new() { Name = "Add a reaction" }).GetByRole(AriaRole.Button, new() { Name = "React with 👍" }).ClickAsync();
        var bobThumb = Reaction(bob, "lunch at noon?", "👍");
        await Expect(bobThumb).ToHaveTextAsync("👍1");
        await Expect(bobThumb).ToHaveAttributeAsync("aria-pressed", "true");
        var aliceThumb = Reaction(alice, "lunch at noon?", "👍");
        await Expect(aliceThumb).ToHaveTextAsync("👍1");
        await Expect(aliceThumb).ToHaveAttributeAsync("aria-pressed", "false");
        await Expect(aliceThumb).ToHaveAttributeAsync("title", "bob reacted with 👍");

        await aliceThumb.ClickAsync();
        await Expect(bobThumb).ToHaveTextAsync("👍2");
        await Expect(aliceThumb).ToHaveAttributeAsync("aria-pressed", "true");
        await Expect(bobThumb).ToHaveAttributeAsync("title", "you and alice reacted with 👍");

        await alice.LineActionAsync("lunch at noon?", "Add reaction");
        var picker = alice.Page.GetByRole(AriaRole.Dialog, new() { Name = "Add a reaction" });
        await picker.GetByLabel("Other reaction").FillAsync(":taco:");
        await picker.GetByLabel("Other reaction").PressAsync("Enter");
        await Expect(Reaction(bob, "lunch at noon?", ":taco:")).ToHaveTextAsync(":taco:1");

        // Bob takes his back: alice's stays.
        await bobThumb.ClickAsync();
        await Expect(aliceThumb).ToHaveTextAsync("👍1");
        await Expect(bobThumb).ToHaveAttributeAsync("aria-pressed", "false");

        // A reload reads the message's stored reactions: the same bar.
        await bob.Page.ReloadAsync();
        await Expect(bob.Status).ToHaveTextAsync("Connected");
        await Expect(Reaction(bob, "lunch at noon?", "👍")).ToHaveTextAsync("👍1");
        await Expect(Reaction(bob, "lunch at noon?", ":taco:")).ToHaveTextAsync(":taco:1");
        await Expect(bob.Line("lunch at noon?").Locator(".reaction[data-react]")).ToHaveCountAsync(2);
    }

    [Fact]
    public async Task In_a_direct_conversation_reactions_work_as_in_a_room()
    {
        await using var host = await HubAppHost.StartAsync();
        await using var alice = await ChatPage.SignInAsync(chromium, host.BaseAddress, "alice");
        await using var bob = await ChatPage.SignInAsync(chromium, host.BaseAddress, "bob");
        await alice.WriteToAsync("bob");
        await alice.SendAsync("the keys are under the mat");
        await bob.Channel("alice, 1 unread").ClickAsync();
        await Expect(bob.Message("the keys are under the mat")).ToBeVisibleAsync();

        await bob.LineActionAsync("the keys are under the mat", "Add reaction");
        await bob.Page.GetByRole(AriaRole.Button, new() { Name = "React with 🙏" }).ClickAsync();
        await Expect(Reaction(alice, "the keys are under the mat", "🙏")).ToHaveTextAsync("🙏1");
        await Expect(Reaction(alice, "the keys are under the mat", "🙏")).ToHaveAttributeAsync("title", "bob reacted with 🙏");
    }

    private static ILocator Reaction(ChatPage page, string text, string emoji) =>
        page.Line(text).Locator($".reactions button[data-react=\"{emoji}\"]");
}
