using HubApp.Browser.Tests.Infrastructure;
using HubApp.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace HubApp.Browser.Tests;

/// <summary>Browser notifications: asked for on the user's press only, then shown for direct messages and @mentions out of view.</summary>
[Collection(UsesChromium.Name)]
public sealed class NotificationTests(Chromium chromium)
{
    /// <summary>
    /// Stands in for the browser's Notification API (headless Chromium shows none): records permission requests
    /// and the notifications made, and grants permission when asked.
    /// </summary>
    private const string RecordingNotifications = """
        window.__asked = 0;
        window.__shown = [];
        class RecordingNotification extends EventTarget {
          static permission = "default";
          static async requestPermission() { window.__asked++; RecordingNotification.permission = "granted"; return "granted"; }
          constructor(title, options) { super(); window.__shown.push(title + ": " + (options?.body ?? "")); }
          close() {}
        }
        window.Notification = RecordingNotification;
        """;

    [Fact]
    public async Task Permission_is_asked_on_pressing_the_toggle_and_direct_messages_and_mentions_out_of_view_notify()
    {
        await using var host = await HubAppHost.StartAsync();
        await using var alice = await ChatPage.SignInAsync(chromium, host.BaseAddress, "alice", beforeSignIn: async page =>
        {
            await page.AddInitScriptAsync(RecordingNotifications);
            await page.ReloadAsync();
        });
        await alice.JoinAsync("random");
        await alice.Channel("#general").ClickAsync();
        Assert.Equal(0, await alice.Page.EvaluateAsync<int>("window.__asked"));

        var toggle = alice.Page.GetByRole(AriaRole.Button, new() { Name = "Notifications", Exact = true });
        await Expect(toggle).ToHaveAttributeAsync("aria-pressed", "false");
        await toggle.ClickAsync();
        await Expect(toggle).ToHaveAttributeAsync("aria-pressed", "true");
        Assert.Equal(1, await alice.Page.EvaluateAsync<int>("window.__asked"));

        await using var bob = await host.ConnectAsync("bob");
        await bob.JoinRoomAsync("random").DefaultTimeout();
        await bob.SendMessageAsync("random", "no mention here").DefaultTimeout();
        await bob.SendMessageAsync("random", "@alice have a look").DefaultTimeout();
        await bob.SendDirectMessageAsync("alice", "psst").DefaultTimeout();
        await Expect(alice.Channel("bob, 1 unread")).ToBeVisibleAsync();
        // The mention counts apart too (its own badge), whether the server says so (v3) or the page reads the text.
        await Expect(alice.Channel("#random, 2 unread, 1 mention")).ToBeVisibleAsync();
        // The room and the direct message travel apart: either may come first.
        Assert.Equal(["bob in #random: @alice have a look", "bob: psst"], (await alice.Page.EvaluateAsync<string[]>("window.__shown")).Order());
    }
}
