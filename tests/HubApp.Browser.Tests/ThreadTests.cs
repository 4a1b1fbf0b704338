using HubApp.Browser.Tests.Infrastructure;
using HubApp.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace HubApp.Browser.Tests;

/// <summary>Threads (contract v3): the panel, replies there and not in the timeline, the root's "N replies · last reply" and participants.</summary>
[Collection(UsesChromium.Name)]
public sealed class ThreadTests(Chromium chromium)
{
    [Fact]
    public async Task Replies_in_a_thread_show_in_its_panel_not_the_timeline_and_the_root_counts_them_on_both_pages()
    {
        await using var host = await HubAppHost.StartAsync();
        await using var alice = await ChatPage.SignInAsync(chromium, host.BaseAddress, "alice", ChatPage.Desktop);
        await using var bob = await ChatPage.SignInAsync(chromium, host.BaseAddress, "bob", ChatPage.Desktop);
        await alice.SendAsync("release plan for friday");
        await Expect(bob.Message("release plan for friday")).ToBeVisibleAsync();

        await bob.LineActionAsync("release plan for friday", "Reply in thread");
        await Expect(bob.Thread).ToBeVisibleAsync();
        await Expect(bob.Page.GetByRole(AriaRole.Complementary, new() { Name = "Thread" })).ToBeVisibleAsync();
        await Expect(bob.Thread.Locator(".thread-root .message-text")).ToHaveTextAsync("release plan for friday");
        var box = bob.Page.GetByRole(AriaRole.Textbox, new() { Name = "Reply in thread" });
        await Expect(box).ToBeFocusedAsync();
        await box.FillAsync("I can do the database part");
        await box.PressAsync("Enter");
        await Expect(ThreadTexts(bob)).ToHaveTextAsync(["release plan for friday", "I can do the database part"]);

        var aliceThread = alice.Line("release plan for friday").Locator(".thread-line");
        await Expect(aliceThread).ToContainTextAsync("1 reply");
        await Expect(aliceThread).ToContainTextAsync("last reply");
        await Expect(aliceThread).ToContainTextAsync("you and bob");
        // The reply is an entry of the room, shown in the thread only.
        foreach (var page in new[] { alice, bob })
        {
            Assert.Equal(["release plan for friday"], await page.MessageTextsAsync());
        }

        // Bob reacts to the root: alice's page folds it on the line it holds, and the thread's root shows it too.
        await bob.LineActionAsync("release plan for friday", "Add reaction");
        await bob.Page.GetByRole(AriaRole.Button, new() { Name = "React with 👍" }).ClickAsync();
        await Expect(alice.Line("release plan for friday").Locator(".reactions button[data-react=\"👍\"]")).ToHaveTextAsync("👍1");

        await aliceThread.ClickAsync();
        await Expect(ThreadTexts(alice)).ToHaveTextAsync(["release plan for friday", "I can do the database part"]);
        await Expect(alice.Thread.Locator(".thread-root .reactions button[data-react=\"👍\"]")).ToHaveTextAsync("👍1");
        var aliceBox = alice.Page.GetByRole(AriaRole.Textbox, new() { Name = "Reply in thread" });
        await aliceBox.FillAsync("great, thanks");
        await aliceBox.PressAsync("Enter");
        await Expect(ThreadTexts(bob)).ToHaveTextAsync(["release plan for friday", "I can do the database part", "great, thanks"]);
        await Expect(bob.Line("release plan for friday").Locator(".thread-line")).ToContainTextAsync("2 replies");

        // A page loaded afterwards reads the root's thread as stored, and its replies with GetThread.
        await bob.Page.ReloadAsync();
        await Expect(bob.Status).ToHaveTextAsync("Connected");
        var thread = bob.Line("release plan for friday").Locator(".thread-line");
        await Expect(thread).ToContainTextAsync("2 replies");
        await Expect(thread).ToContainTextAsync("alice and you");
        Assert.Equal(["release plan for friday"], await bob.MessageTextsAsync());
        await thread.ClickAsync();
        await Expect(ThreadTexts(bob)).ToHaveTextAsync(["release plan for friday", "I can do the database part", "great, thanks"]);

        // Escape closes it, and focus goes back to where the user was.
        await bob.Page.Keyboard.PressAsync("Escape");
        await Expect(bob.Thread).ToBeHiddenAsync();
        await Expect(thread).ToBeFocusedAsync();
    }

    [Fact]
    public async Task On_a_phone_the_thread_takes_the_whole_screen_and_closes_back_to_the_room()
    {
        await using var host = await HubAppHost.StartAsync();
        await using var alice = await ChatPage.SignInAsync(chromium, host.BaseAddress, "alice", ChatPage.Phone, touch: true);
        await alice.SendAsync("anyone up for a walk?");
        await alice.Message("anyone up for a walk?").TapAsync();
        await alice.Line("anyone up for a walk?").GetByRole(AriaRole.Button, new() { Name = "Reply in thread" }).TapAsync();
        await Expect(alice.Thread).ToBeVisibleAsync();
        var box = await alice.Thread.BoundingBoxAsync();
        Assert.NotNull(box);
        Assert.Equal(0, box.X, 1);
        Assert.Equal(0, box.Y, 1);
        Assert.Equal(ChatPage.Phone.Width, box.Width, 1);
        Assert.Equal(ChatPage.Phone.Height, box.Height, 1);

        var reply = alice.Page.GetByRole(AriaRole.Textbox, new() { Name = "Reply in thread" });
        await reply.FillAsync("me!");
        await reply.PressAsync("Enter");
        await Expect(ThreadTexts(alice)).ToHaveTextAsync(["anyone up for a walk?", "me!"]);

        // A reply is edited in place in the thread, as a line of the timeline is.
        var mine = alice.Thread.Locator("#thread-list > li[data-id]", new() { HasText = "me!" });
        await mine.Locator(".message-text").TapAsync();
        await mine.GetByRole(AriaRole.Button, new() { Name = "Edit message" }).TapAsync();
        var edit = alice.Thread.GetByRole(AriaRole.Textbox, new() { Name = "Edit message", Exact = true });
        await edit.FillAsync("me! in ten minutes");
        await edit.PressAsync("Enter");
        await Expect(ThreadTexts(alice)).ToHaveTextAsync(["anyone up for a walk?", "me! in ten minutes"]);
        await Expect(alice.Thread.Locator(".message-edited")).ToHaveCountAsync(1);

        await alice.Thread.GetByRole(AriaRole.Button, new() { Name = "Close thread" }).TapAsync();
        await Expect(alice.Thread).ToBeHiddenAsync();
        await Expect(alice.Line("anyone up for a walk?").Locator(".thread-line")).ToContainTextAsync("1 reply");
    }

    private static ILocator ThreadTexts(ChatPage page) => page.Thread.Locator("#thread-list > li[data-id] .message-text");
}
