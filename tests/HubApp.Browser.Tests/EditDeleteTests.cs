using System.Text.RegularExpressions;
using HubApp.Browser.Tests.Infrastructure;
using HubApp.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace HubApp.Browser.Tests;

/// <summary>Editing and deleting messages from the page: the change shows in place on every page, live and after catch-up.</summary>
[Collection(UsesChromium.Name)]
public sealed class EditDeleteTests(Chromium chromium)
{
    private const string Deleted = "message deleted";

    /// <summary>Automatic reconnect retries every 5 s at most.</summary>
    private const float ReconnectTimeoutMs = 30_000;

    [Fact]
    public async Task Up_in_the_empty_composer_edits_the_last_message_in_place_on_both_pages_and_escape_cancels()
    {
        await using var host = await HubAppHost.StartAsync();
        await using var alice = await ChatPage.SignInAsync(chromium, host.BaseAddress, "alice");
        await using var bob = await ChatPage.SignInAsync(chromium, host.BaseAddress, "bob");
        await alice.SendAsync("see you at 5");
        // Stored before bob's reply (a cleared composer only means the outbox has it), so the order is known.
        await Expect(bob.Message("see you at 5")).ToBeVisibleAsync();
        await bob.SendAsync("fine");
        await Expect(alice.Message("fine")).ToBeVisibleAsync();

        await alice.Composer.PressAsync("ArrowUp");
        var box = EditBox(alice);
        await Expect(box).ToBeFocusedAsync();
        await Expect(box).ToHaveValueAsync("see you at 5");
        await box.FillAsync("see you at 6");
        await box.PressAsync("Enter");

        foreach (var page in new[] { alice, bob })
        {
            await Expect(page.Message("see you at 6")).ToBeVisibleAsync();
            // The edited text took the old line's place: still two lines, in the order they were sent.
            Assert.Equal(["see you at 6", "fine"], await page.MessageTextsAsync());
            await Expect(Line(page, "see you at 6").Locator(".message-edited")).ToHaveTextAsync("(edited)");
            await Expect(page.Page.Locator("#message-list .message-edited")).ToHaveCountAsync(1);
            await Expect(page.Page.Locator("body")).Not.ToContainTextAsync("see you at 5");
        }

        await Expect(EditBox(alice)).ToHaveCountAsync(0);
        await Expect(alice.Composer).ToBeFocusedAsync();

        await alice.Composer.PressAsync("ArrowUp");
        await EditBox(alice).FillAsync("never saved");
        await EditBox(alice).PressAsync("Escape");
        await Expect(EditBox(alice)).ToHaveCountAsync(0);
        await Expect(alice.Composer).ToBeFocusedAsync();
        Assert.Equal(["see you at 6", "fine"], await alice.MessageTextsAsync());

        // A room's entries arrive in id order: had the cancelled edit been sent, bob would have it before this.
        await alice.SendAsync("after the cancel");
        await Expect(bob.Message("after the cancel")).ToBeVisibleAsync();
        Assert.Equal(["see you at 6", "fine", "after the cancel"], await bob.MessageTextsAsync());
        await Expect(bob.Page.Locator("body")).Not.ToContainTextAsync("never saved");
    }

    [Fact]
    public async Task Deleting_a_message_from_its_action_after_confirming_shows_message_deleted_in_its_place_on_both_pages()
    {
        await using var host = await HubAppHost.StartAsync();
        await using var alice = await ChatPage.SignInAsync(chromium, host.BaseAddress, "alice");
        await using var bob = await ChatPage.SignInAsync(chromium, host.BaseAddress, "bob");
        await alice.SendAsync("the door code is 4711");
        // Stored before bob's reply (a cleared composer only means the outbox has it), so the order is known.
        await Expect(bob.Message("the door code is 4711")).ToBeVisibleAsync();
        await bob.SendAsync("thanks");
        await Expect(alice.Message("thanks")).ToBeVisibleAsync();

        // Cancel keeps the message.
        await DeleteAsync(alice, "the door code is 4711", confirm: false);
        await Expect(alice.Message("the door code is 4711")).ToBeVisibleAsync();

        await DeleteAsync(alice, "the door code is 4711", confirm: true);

        foreach (var page in new[] { alice, bob })
        {
            await Expect(page.Message(Deleted)).ToBeVisibleAsync();
            Assert.Equal([Deleted, "thanks"], await page.MessageTextsAsync());
            await Expect(page.Page.Locator("#message-list > li.deleted")).ToHaveCountAsync(1);
            await Expect(page.Page.Locator("body")).Not.ToContainTextAsync("4711");
        }

        // A deleted line offers nothing more to do, and ↑ skips it.
        await Expect(Line(alice, Deleted).GetByRole(AriaRole.Button)).ToHaveCountAsync(0);
        await alice.Composer.PressAsync("ArrowUp");
        await Expect(EditBox(alice)).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task A_page_that_was_away_or_reloads_shows_edits_and_deletes_folded_as_the_live_page_did()
    {
        await using var host = await HubAppHost.StartAsync();
        await using var alice = await ChatPage.SignInAsync(chromium, host.BaseAddress, "alice");
        await using var bob = await ChatPage.SignInAsync(chromium, host.BaseAddress, "bob");
        await SendDraftsAsync(alice, bob);

        // Bob's tab leaves the page (its connection goes with it) and comes back while alice edits and deletes.
        await bob.Page.GotoAsync("about:blank");
        await Expect(alice.Members).ToHaveTextAsync([new Regex("^alice")]);
        await ChangeDraftsAsync(alice);

        await bob.Page.GotoAsync("/");
        await Expect(bob.Status).ToHaveTextAsync("Connected");
        await ExpectFoldedAsync(bob);
        await ExpectFoldedAsync(alice);

        await bob.Page.ReloadAsync();
        await Expect(bob.Status).ToHaveTextAsync("Connected");
        await ExpectFoldedAsync(bob);
    }

    [Fact]
    public async Task A_page_whose_connection_dropped_folds_the_edits_and_deletes_made_meanwhile_onto_the_lines_it_shows()
    {
        await using var host = await HubAppHost.StartAsync();
        await using var alice = await ChatPage.SignInAsync(chromium, host.BaseAddress, "alice");
        var network = new Network();
        await using var bob = await ChatPage.SignInAsync(chromium, host.BaseAddress, "bob", beforeSignIn: network.RouteAsync);
        await SendDraftsAsync(alice, bob);

        await network.CutAsync();
        await Expect(bob.Status).ToHaveTextAsync("Reconnecting…");
        await Expect(alice.Members).ToHaveTextAsync([new Regex("^alice")]);
        await ChangeDraftsAsync(alice);
        // The lines bob's page shows still read as before: nothing reached it.
        Assert.Equal(["draft one", "draft two", "draft three"], await bob.MessageTextsAsync());

        await network.RestoreAsync();
        await Expect(bob.Status).ToHaveTextAsync("Connected", new() { Timeout = ReconnectTimeoutMs });
        await ExpectFoldedAsync(bob);
    }

    [Fact]
    public async Task The_owner_of_a_public_room_deletes_someone_elses_message_from_its_action()
    {
        await using var host = await HubAppHost.StartAsync();
        await using var alice = await ChatPage.SignInAsync(chromium, host.BaseAddress, "alice");
        await using var bob = await ChatPage.SignInAsync(chromium, host.BaseAddress, "bob");

        await alice.CreateRoomAsync("lounge");
        await Expect(alice.Page.Locator("#room-about")).ToContainTextAsync("public room");

        await bob.JoinAsync("lounge");
        await bob.SendAsync("buy cheap watches");
        await bob.SendAsync("sorry, wrong room");
        await Expect(alice.Message("sorry, wrong room")).ToBeVisibleAsync();
        // Bob is a member, not a moderator: alice's lines offer him nothing to delete.
        await alice.SendAsync("please keep it on topic");
        await Expect(Line(bob, "please keep it on topic").GetByRole(AriaRole.Button, new() { Name = "Delete message" })).ToBeHiddenAsync();

        await DeleteAsync(alice, "buy cheap watches", confirm: true);

        foreach (var page in new[] { alice, bob })
        {
            await Expect(page.Message(Deleted)).ToBeVisibleAsync();
            Assert.Equal([Deleted, "sorry, wrong room", "please keep it on topic"], await page.MessageTextsAsync());
            await Expect(page.Page.Locator("body")).Not.ToContainTextAsync("watches");
        }
    }

    private static async Task SendDraftsAsync(ChatPage alice, ChatPage bob)
    {
        await alice.SendAsync("draft one");
        await alice.SendAsync("draft two");
        await alice.SendAsync("draft three");
        await Expect(bob.Message("draft three")).ToBeVisibleAsync();
    }

    /// <summary>Edits the first draft, deletes the second, edits the third twice.</summary>
    private static async Task ChangeDraftsAsync(ChatPage alice)
    {
        await EditAsync(alice, "draft one", "final one");
        await DeleteAsync(alice, "draft two", confirm: true);
        await EditAsync(alice, "draft three", "final three, first try");
        await EditAsync(alice, "final three, first try", "final three");
        await Expect(alice.Page.Locator("#message-list .message-edited")).ToHaveCountAsync(2);
    }

    private static async Task ExpectFoldedAsync(ChatPage page)
    {
        await Expect(page.Message("final three")).ToBeVisibleAsync();
        Assert.Equal(["final one", Deleted, "final three"], await page.MessageTextsAsync());
        await Expect(page.Page.Locator("#message-list > li")).ToHaveCountAsync(3);
        await Expect(page.Page.Locator("#message-list > li.deleted")).ToHaveCountAsync(1);
        await Expect(Line(page, "final one").Locator(".message-edited")).ToHaveTextAsync("(edited)");
        await Expect(Line(page, "final three").Locator(".message-edited")).ToHaveTextAsync("(edited)");
        await Expect(page.Page.Locator("body")).Not.ToContainTextAsync("draft");
        await Expect(page.Page.Locator("body")).Not.ToContainTextAsync("first try");
    }

    private static ILocator EditBox(ChatPage page) => page.Page.GetByRole(AriaRole.Textbox, new() { Name = "Edit message", Exact = true });

    /// <summary>The message line (li) whose text reads exactly <paramref name="text"/>.</summary>
    private static ILocator Line(ChatPage page, string text) =>
        page.Messages.Filter(new() { Has = page.Page.Locator(".message-text", new() { HasTextRegex = new($"^{Regex.Escape(text)}$") }) });

    /// <summary>Edits a message from its Edit action, as a pointer user would (the actions show on hover).</summary>
    private static async Task EditAsync(ChatPage page, string text, string newText)
    {
        var line = Line(page, text);
        await line.HoverAsync();
        await line.GetByRole(AriaRole.Button, new() { Name = "Edit message", Exact = true }).ClickAsync();
        await EditBox(page).FillAsync(newText);
        await EditBox(page).PressAsync("Enter");
        await Expect(page.Message(newText)).ToBeVisibleAsync();
    }

    private static async Task DeleteAsync(ChatPage page, string text, bool confirm)
    {
        var line = Line(page, text);
        await line.HoverAsync();
        await line.GetByRole(AriaRole.Button, new() { Name = "Delete message", Exact = true }).ClickAsync();
        var dialog = page.Page.GetByRole(AriaRole.Dialog, new() { Name = "Delete this message for everyone?" });
        await dialog.GetByRole(AriaRole.Button, new() { Name = confirm ? "Delete" : "Cancel", Exact = true }).ClickAsync();
        await Expect(dialog).ToBeHiddenAsync();
    }
}
