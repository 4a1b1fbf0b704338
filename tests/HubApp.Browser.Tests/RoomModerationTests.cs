using HubApp.Browser.Tests.Infrastructure;
using HubApp.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace HubApp.Browser.Tests;

/// <summary>Running a private room from the page: create, invite, chat, kick, as two people would.</summary>
[Collection(UsesChromium.Name)]
public sealed class RoomModerationTests(Chromium chromium)
{
    [Fact]
    public async Task An_owner_creates_a_private_room_invites_bob_chats_and_kicks_him_and_bobs_page_shows_the_removal()
    {
        await using var host = await HubAppHost.StartAsync();
        await using var alice = await ChatPage.SignInAsync(chromium, host.BaseAddress, "alice");
        await using var bob = await ChatPage.SignInAsync(chromium, host.BaseAddress, "bob");

        await alice.CreateRoomAsync("team", isPrivate: true, topic: "plans");
        await Expect(alice.Page.Locator("#room-about")).ToContainTextAsync("private room");

        // Dev-token user ids are the lowercase names.
        await alice.Page.GetByLabel("User id").FillAsync("bob");
        await alice.Page.GetByRole(AriaRole.Button, new() { Name = "Invite", Exact = true }).ClickAsync();
        await bob.Channel("#team, invited: join").ClickAsync();
        await Expect(bob.Page.Locator("#conversation-title")).ToHaveTextAsync("#team");

        await alice.SendAsync("welcome bob");
        await Expect(bob.Message("welcome bob")).ToBeVisibleAsync();
        await bob.SendAsync("thanks");
        await Expect(alice.Message("thanks")).ToBeVisibleAsync();

        await alice.Page.GetByRole(AriaRole.Button, new() { Name = "Kick bob", Exact = true }).ClickAsync();
        await Expect(bob.Toasts).ToContainTextAsync("You were removed from #team by alice.");
        await Expect(bob.Channel("#team")).ToHaveCountAsync(0);
        await Expect(bob.Page.Locator("#conversation-title")).ToHaveTextAsync("#general");
        await Expect(bob.Message("welcome bob")).ToHaveCountAsync(0);

        // Nor does a reload join it again.
        await bob.Page.ReloadAsync();
        await Expect(bob.Status).ToHaveTextAsync("Connected");
        await Expect(bob.Page.Locator("#conversation-title")).ToHaveTextAsync("#general");
        await Expect(bob.Channel("#team")).ToHaveCountAsync(0);
        await Expect(bob.Toasts).Not.ToContainTextAsync("not allowed");
    }
}
