using HubApp.Browser.Tests.Infrastructure;
using HubApp.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace HubApp.Browser.Tests;

/// <summary>Direct messages as a log (contract v3): edit (↑ in the empty composer), delete and reply, as in rooms.</summary>
[Collection(UsesChromium.Name)]
public sealed class DirectMessageEditTests(Chromium chromium)
{
    [Fact]
    public async Task A_direct_message_is_edited_with_up_deleted_from_its_action_and_answered_with_a_quote_on_both_pages()
    {
        await using var host = await HubAppHost.StartAsync();
        await using var alice = await ChatPage.SignInAsync(chromium, host.BaseAddress, "alice");
        await using var bob = await ChatPage.SignInAsync(chromium, host.BaseAddress, "bob");
        await alice.WriteToAsync("bob");
        await alice.SendAsync("meet at 5");
        await alice.SendAsync("bring the charger");
        await bob.Channel("alice, 2 unread").ClickAsync();
        await Expect(bob.Message("bring the charger")).ToBeVisibleAsync();

        await alice.Composer.PressAsync("ArrowUp");
        var box = alice.Page.GetByRole(AriaRole.Textbox, new() { Name = "Edit message", Exact = true });
        await Expect(box).ToHaveValueAsync("bring the charger");
        await box.FillAsync("bring the blue charger");
        await box.PressAsync("Enter");
        foreach (var page in new[] { alice, bob })
        {
            await Expect(page.Line("bring the blue charger").Locator(".message-edited")).ToHaveTextAsync("(edited)");
        }

        // Bob may not edit or delete alice's message: his line offers neither.
        await bob.Line("meet at 5").HoverAsync();
        await Expect(bob.Line("meet at 5").GetByRole(AriaRole.Button, new() { Name = "Edit message" })).ToHaveCountAsync(0);
        await Expect(bob.Line("meet at 5").GetByRole(AriaRole.Button, new() { Name = "Delete message" })).ToBeHiddenAsync();

        await bob.LineActionAsync("meet at 5", "Reply");
        await bob.SendAsync("5 works");
        await Expect(alice.Line("5 works").Locator(".reply-quote")).ToContainTextAsync("meet at 5");

        await alice.LineActionAsync("meet at 5", "Delete message");
        await alice.Page.GetByRole(AriaRole.Button, new() { Name = "Delete", Exact = true }).ClickAsync();
        foreach (var page in new[] { alice, bob })
        {
            await Expect(page.Message("message deleted")).ToBeVisibleAsync();
            await Expect(page.Line("5 works").Locator(".reply-quote")).ToContainTextAsync("deleted message");
            await Expect(page.Page.Locator("body")).Not.ToContainTextAsync("meet at 5");
        }

        // After a reload the conversation reads the same (the stored targets are in their current state).
        await bob.Page.ReloadAsync();
        await Expect(bob.Status).ToHaveTextAsync("Connected");
        await bob.Channel("alice").ClickAsync();
        Assert.Equal(["message deleted", "bring the blue charger", "5 works"], await bob.MessageTextsAsync());
    }
}
