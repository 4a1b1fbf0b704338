using HubApp.Browser.Tests.Infrastructure;
using HubApp.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace HubApp.Browser.Tests;

/// <summary>The user's rooms are the server's (GetMyRooms, RoomAdded, RoomRemoved): they follow the user to every browser.</summary>
[Collection(UsesChromium.Name)]
public sealed class MyRoomsTests(Chromium chromium)
{
    [Fact]
    public async Task A_second_browser_of_the_user_shows_the_rooms_joined_in_the_first_and_follows_its_joins_and_leaves()
    {
        await using var host = await HubAppHost.StartAsync();
        await using var laptop = await ChatPage.SignInAsync(chromium, host.BaseAddress, "alice");
        await laptop.JoinAsync("random");

        // Another browser (its own storage, as another device): the rooms come from the server.
        await using var desktop = await ChatPage.SignInAsync(chromium, host.BaseAddress, "alice", opens: null);
        await Expect(desktop.Channel("#general")).ToBeVisibleAsync();
        await Expect(desktop.Channel("#random")).ToBeVisibleAsync();

        await laptop.JoinAsync("design");
        await Expect(desktop.Channel("#design")).ToBeVisibleAsync();

        // Leaving is for good, #general included: gone on both, and after a reload of either.
        await desktop.Channel("#general").ClickAsync();
        await desktop.Page.GetByRole(AriaRole.Button, new() { Name = "Leave room" }).ClickAsync();
        foreach (var page in new[] { desktop, laptop })
        {
            await Expect(page.Channel("#general")).ToHaveCountAsync(0);
        }

        foreach (var page in new[] { desktop, laptop })
        {
            await page.Page.ReloadAsync();
            await Expect(page.Status).ToHaveTextAsync("Connected");
            await Expect(page.Channel("#design")).ToBeVisibleAsync();
            await Expect(page.Channel("#random")).ToBeVisibleAsync();
            await Expect(page.Channel("#general")).ToHaveCountAsync(0);
        }
    }

    [Fact]
    public async Task A_user_who_left_every_room_stays_without_one_after_a_reload()
    {
        await using var host = await HubAppHost.StartAsync();
        await using var alice = await ChatPage.SignInAsync(chromium, host.BaseAddress, "alice");
        await alice.Page.GetByRole(AriaRole.Button, new() { Name = "Leave room" }).ClickAsync();
        await Expect(alice.Channel("#general")).ToHaveCountAsync(0);

        await alice.Page.ReloadAsync();
        await Expect(alice.Status).ToHaveTextAsync("Connected");
        await Expect(alice.Page.Locator("#rooms-empty")).ToBeVisibleAsync();
        await Expect(alice.Page.Locator("#conversation-title")).ToHaveTextAsync("Welcome");
    }
}
