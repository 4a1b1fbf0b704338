using HubApp.Browser.Tests.Infrastructure;
using HubApp.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace HubApp.Browser.Tests;

/// <summary>The Browse rooms dialog: ListRooms searched as the person types, and joining a room from it.</summary>
[Collection(UsesChromium.Name)]
public sealed class RoomDirectoryTests(Chromium chromium)
{
    [Fact]
    public async Task Browse_rooms_with_a_search_finds_a_matching_public_room_and_not_another_and_joins_it()
    {
        await using var host = await HubAppHost.StartAsync();
        await using var alice = await ChatPage.SignInAsync(chromium, host.BaseAddress, "alice");
        await using var bob = await ChatPage.SignInAsync(chromium, host.BaseAddress, "bob");
        await alice.CreateRoomAsync("lunch", topic: "where to eat");
        await alice.CreateRoomAsync("design-crit", topic: "weekly reviews");
        await alice.SendAsync("agenda for thursday");
        await Expect(alice.Message("agenda for thursday")).ToHaveCountAsync(1);

        await bob.Page.GetByRole(AriaRole.Button, new() { Name = "Browse rooms", Exact = true }).ClickAsync();
        var directory = bob.Page.GetByRole(AriaRole.Dialog, new() { Name = "Browse rooms" });
        var found = directory.GetByRole(AriaRole.List, new() { Name = "Rooms found" });
        // Without a query it lists every open and public room.
        await Expect(found.GetByRole(AriaRole.Button, new() { NameRegex = new("^#lunch, public, where to eat,") })).ToBeVisibleAsync();

        // The topic matches, not the name.
        await directory.GetByLabel("Search by name or topic").FillAsync("REVIEW");
        await Expect(directory.GetByRole(AriaRole.Status)).ToHaveTextAsync("1 room");
        await Expect(found.GetByRole(AriaRole.Button)).ToHaveCountAsync(1);
        var room = found.GetByRole(AriaRole.Button, new() { NameRegex = new("^#design-crit, public, weekly reviews,") });
        await Expect(room).ToBeVisibleAsync();
        await Expect(found.GetByRole(AriaRole.Button, new() { NameRegex = new("^#lunch,") })).ToHaveCountAsync(0);

        await room.ClickAsync();
        await Expect(directory).ToBeHiddenAsync();
        await Expect(bob.Page.Locator("#conversation-title")).ToHaveTextAsync("#design-crit");
        await Expect(bob.Message("agenda for thursday")).ToBeVisibleAsync();
        await Expect(bob.Channel("#design-crit")).ToBeVisibleAsync();
        await Expect(alice.Members.Filter(new() { HasText = "bob" })).ToHaveCountAsync(1);
        await bob.SendAsync("count me in");
        await Expect(alice.Message("count me in")).ToBeVisibleAsync();
    }
}
