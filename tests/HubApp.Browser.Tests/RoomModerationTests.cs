using System.Text.RegularExpressions;
using HubApp.Browser.Tests.Infrastructure;
using HubApp.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace HubApp.Browser.Tests;

/// <summary>Running a room from the page: create, invite, chat, kick, mute, ban and hand over, as two people would.</summary>
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

        // A kick asks first, saying what it means in a private room.
        await alice.Page.GetByRole(AriaRole.Button, new() { Name = "Kick bob", Exact = true }).ClickAsync();
        var confirm = alice.Page.GetByRole(AriaRole.Dialog, new() { Name = "Kick bob out of #team? Their membership ends: they need a new invitation to come back." });
        await confirm.GetByRole(AriaRole.Button, new() { Name = "Kick", Exact = true }).ClickAsync();

        // bob stays in the room he was reading, told why he can no longer write there, for as long as he needs.
        var notice = bob.Page.Locator("#conversation-notice");
        await Expect(notice).ToContainTextAsync("You were removed from #team by alice.");
        await Expect(bob.Page.Locator("#conversation-title")).ToHaveTextAsync("#team");
        await Expect(bob.Composer).ToBeHiddenAsync();
        await Expect(bob.Channel("#team, removed")).ToBeVisibleAsync();
        await bob.Page.WaitForTimeoutAsync(7_000); // Longer than a toast lasts.
        await Expect(notice).ToContainTextAsync("You were removed from #team by alice.");
        await notice.GetByRole(AriaRole.Button, new() { Name = "Close", Exact = true }).ClickAsync();
        await Expect(bob.Channel("#team, removed")).ToHaveCountAsync(0);
        await Expect(bob.Page.Locator("#conversation-title")).ToHaveTextAsync("#general");
        await Expect(bob.Message("welcome bob")).ToHaveCountAsync(0);

        // Nor does a reload join it again.
        await bob.Page.ReloadAsync();
        await Expect(bob.Status).ToHaveTextAsync("Connected");
        await Expect(bob.Page.Locator("#conversation-title")).ToHaveTextAsync("#general");
        await Expect(bob.Channel("#team")).ToHaveCountAsync(0);
        await Expect(bob.Toasts).Not.ToContainTextAsync("not allowed");
    }

    [Fact]
    public async Task A_mute_for_an_hour_refuses_the_members_sends_and_a_ban_for_ten_minutes_removes_them_from_the_room()
    {
        await using var host = await HubAppHost.StartAsync();
        await using var alice = await ChatPage.SignInAsync(chromium, host.BaseAddress, "alice");
        await using var bob = await ChatPage.SignInAsync(chromium, host.BaseAddress, "bob");
        await alice.CreateRoomAsync("town");
        await bob.JoinAsync("town");
        var roster = Roster(alice);
        var mute = roster.GetByRole(AriaRole.Button, new() { Name = "Mute bob", Exact = true });
        await Expect(mute).ToBeVisibleAsync();

        await alice.Page.GetByLabel("Ban or mute for").SelectOptionAsync(new SelectOptionValue { Label = "1 hour" });
        await mute.ClickAsync();
        foreach (var page in new[] { alice, bob })
        {
            await Expect(Roster(page).Locator("li", new() { HasText = "bob" }).Locator(".room-muted")).ToHaveTextAsync(new Regex("^muted until "));
        }

        // bob is told, above his composer, as soon as the room says so.
        var notice = bob.Page.Locator("#conversation-notice");
        await Expect(notice).ToHaveTextAsync(new Regex(@"^You are muted in #town until .+: you can read, not post\.$"));
        await Expect(roster.GetByRole(AriaRole.Button, new() { Name = "Unmute bob", Exact = true })).ToBeVisibleAsync();
        await bob.SendAsync("can anyone hear me?");
        await Expect(bob.Page.Locator("#message-list > li.failed .delivery")).ToHaveTextAsync("not sent — retry / discard");
        await Expect(bob.Toasts).ToContainTextAsync("You are muted in this room for now.");
        // Muted, bob still reads the room.
        await alice.SendAsync("quiet please");
        await Expect(bob.Message("quiet please")).ToBeVisibleAsync();
        Assert.Equal(["quiet please"], await alice.MessageTextsAsync());
        await roster.GetByRole(AriaRole.Button, new() { Name = "Unmute bob", Exact = true }).ClickAsync();
        await Expect(notice).ToBeHiddenAsync();

        // A ban asks first, saying how long: "forever" in so many words.
        var ban = roster.GetByRole(AriaRole.Button, new() { Name = "Ban bob", Exact = true });
        await alice.Page.GetByLabel("Ban or mute for").SelectOptionAsync(new SelectOptionValue { Label = "Forever" });
        await ban.ClickAsync();
        var forever = alice.Page.GetByRole(AriaRole.Dialog, new() { Name = "Ban bob from #town forever? They cannot come back until someone unbans them." });
        await forever.GetByRole(AriaRole.Button, new() { Name = "Cancel", Exact = true }).ClickAsync();
        await Expect(forever).ToBeHiddenAsync();
        await alice.Page.GetByLabel("Ban or mute for").SelectOptionAsync(new SelectOptionValue { Label = "10 minutes" });
        await ban.ClickAsync();
        var tenMinutes = alice.Page.GetByRole(AriaRole.Dialog, new() { NameRegex = new(@"^Ban bob from #town until .+\? They cannot come back before then\.$") });
        await tenMinutes.GetByRole(AriaRole.Button, new() { Name = "Ban", Exact = true }).ClickAsync();

        // bob stays in the room, told who banned him and until when, in place of his composer.
        await Expect(notice).ToHaveTextAsync(new Regex(@"^You were banned from #town by alice until .+\.Close$"));
        await Expect(bob.Page.Locator("#conversation-title")).ToHaveTextAsync("#town");
        await Expect(bob.Composer).ToBeHiddenAsync();
        await Expect(bob.Message("quiet please")).ToBeVisibleAsync();
        await Expect(roster.Locator("li", new() { HasText = "bob" })).ToHaveCountAsync(0);

        // The ban holds: joining again is refused, saying he is banned, by whom and until when.
        await bob.Page.GetByLabel("Join a room").FillAsync("town");
        await bob.Page.GetByRole(AriaRole.Button, new() { Name = "Join", Exact = true }).ClickAsync();
        await Expect(bob.Toasts).ToContainTextAsync(new Regex(@"You are banned from #town by alice until .+\."));

        // After a reload the page has only the server's refusal, and still says he is banned (the room is public).
        await bob.Page.ReloadAsync();
        await Expect(bob.Status).ToHaveTextAsync("Connected");
        await Expect(bob.Channel("#town")).ToHaveCountAsync(0);
        await bob.Page.GetByLabel("Join a room").FillAsync("town");
        await bob.Page.GetByRole(AriaRole.Button, new() { Name = "Join", Exact = true }).ClickAsync();
        await Expect(bob.Toasts).ToContainTextAsync("You are banned from #town.");
        await Expect(bob.Channel("#town")).ToHaveCountAsync(0);

        // alice sees the room's bans (GetBans) and lifts bob's from the list, with no user id to type.
        var bans = alice.Page.GetByRole(AriaRole.List, new() { Name = "Banned" });
        await Expect(bans.Locator("li")).ToHaveCountAsync(1);
        await Expect(bans.Locator("li")).ToContainTextAsync(new Regex(@"^bobbanned by alice until .+Unban$"));
        await bans.GetByRole(AriaRole.Button, new() { Name = "Unban bob", Exact = true }).ClickAsync();
        await Expect(bans.Locator("li")).ToHaveCountAsync(0);
        await Expect(alice.Page.Locator("#room-bans")).ToContainTextAsync("No one is banned.");
        await bob.JoinAsync("town");
        await Expect(bob.Message("quiet please")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task The_owner_hands_the_room_over_from_the_panel_after_confirming_and_becomes_a_moderator()
    {
        await using var host = await HubAppHost.StartAsync();
        await using var alice = await ChatPage.SignInAsync(chromium, host.BaseAddress, "alice");
        await using var bob = await ChatPage.SignInAsync(chromium, host.BaseAddress, "bob");
        await alice.CreateRoomAsync("club");
        await bob.JoinAsync("club");
        var handOver = Roster(alice).GetByRole(AriaRole.Button, new() { Name = "Hand over bob", Exact = true });

        // Cancel keeps the room.
        await handOver.ClickAsync();
        var confirm = alice.Page.GetByRole(AriaRole.Dialog, new() { Name = "Hand the room over to bob? You become a moderator." });
        await confirm.GetByRole(AriaRole.Button, new() { Name = "Cancel", Exact = true }).ClickAsync();
        await Expect(confirm).ToBeHiddenAsync();
        await Expect(alice.Page.Locator("#room-about")).ToContainTextAsync("owner alice");

        await handOver.ClickAsync();
        await confirm.GetByRole(AriaRole.Button, new() { Name = "Hand over", Exact = true }).ClickAsync();
        foreach (var page in new[] { alice, bob })
        {
            await Expect(page.Page.Locator("#room-about")).ToContainTextAsync("owner bob");
            await Expect(Roster(page).Locator("li", new() { HasText = "alice" }).Locator(".role-badge")).ToHaveTextAsync("moderator");
            await Expect(Roster(page).Locator("li", new() { HasText = "bob" }).Locator(".role-badge")).ToHaveTextAsync("owner");
        }

        // Now bob runs it, and alice, a moderator, may not act on its owner.
        await Expect(Roster(bob).GetByRole(AriaRole.Button, new() { Name = "Hand over alice", Exact = true })).ToBeVisibleAsync();
        await Expect(Roster(alice).GetByRole(AriaRole.Button)).ToHaveCountAsync(0);
    }

    /// <summary>The room panel's members with their roles and the actions on each.</summary>
    private static ILocator Roster(ChatPage page) => page.Page.GetByRole(AriaRole.List, new() { Name = "Room members and roles" });
}
