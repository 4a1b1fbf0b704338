using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using HubApp.Client;
using HubApp.Contracts;
using HubApp.Presence;
using HubApp.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace HubApp.Tests.Rooms;

/// <summary>Kicks, bans and mutes as the people in the room see them, their end, and what survives a restart.</summary>
public sealed class RoomModerationTests(RoomHostFixture fixture) : IClassFixture<RoomHostFixture>
{
    /// <summary>Attempts of a bounded wait for a ban or mute to end by itself (100 ms apart).</summary>
    private const int ExpiryAttempts = 100;

    [Fact]
    public async Task AKickTakesEveryConnectionOfTheUserOutWithRemovedFromRoomAndTellsTheOthers()
    {
        var (room, owner) = await PublicRoomAsync("kick");
        await using var ownerConnection = owner;
        await using var phone = await fixture.Host.ConnectAsync("bob");
        await using var laptop = await fixture.Host.ConnectAsync("bob");
        var removals = new Inbox<RoomRemoval>();
        phone.RemovedFromRoom += removals.Add;
        laptop.RemovedFromRoom += removals.Add;
        var left = new Inbox<PresenceEvent>();
        owner.UserLeft += left.Add;
        await owner.JoinRoomAsync(room).DefaultTimeout();
        await phone.JoinRoomAsync(room).DefaultTimeout();
        await laptop.JoinRoomAsync(room).DefaultTimeout();

        await owner.KickAsync(room, "bob").DefaultTimeout();

        var both = await removals.WaitForCountAsync(2);
        Assert.All(both, r => Assert.Equal(new RoomRemoval(room, RemovalReasons.Kicked, "owner", null), r));
        Assert.Equal("bob", (await left.NextAsync()).UserId);
        Assert.DoesNotContain(room, phone.LastSeenIds.Keys);
        var refused = await Assert.ThrowsAsync<ChatException>(() => phone.PostMessageAsync(room, "still here?", null).DefaultTimeout());
        Assert.Equal(ErrorCodes.NotInRoom, refused.Code);
        // A reconnect rejoins the rooms the client still tracks: not this one.
        var reconnected = new Inbox<bool>();
        phone.Reconnected += () => reconnected.Add(true);
        fixture.Host.Aborter.AbortUser("bob");
        await reconnected.NextAsync();
        Assert.DoesNotContain("bob", fixture.Host.Services.GetRequiredService<PresenceTracker>().Members(room).Select(m => m.UserId));
        // A public room may be joined again after a kick.
        await phone.JoinRoomAsync(room).DefaultTimeout();
    }

    [Fact]
    public async Task ABanEndsByItselfAtItsEndTimeAndAMuteToo()
    {
        var (room, owner) = await PublicRoomAsync("expiry");
        await using var ownerConnection = owner;
        await using var bob = await fixture.Host.ConnectAsync("bob");
        await using var carol = await fixture.Host.ConnectAsync("carol");
        await carol.JoinRoomAsync(room).DefaultTimeout();
        var removals = new Inbox<RoomRemoval>();
        bob.RemovedFromRoom += removals.Add;

        var until = DateTime.UtcNow.AddSeconds(1.5);
        await owner.BanAsync(room, "bob", until).DefaultTimeout();
        await owner.MuteAsync(room, "carol", until).DefaultTimeout();

        Assert.Equal(ErrorCodes.Forbidden, (await Assert.ThrowsAsync<ChatException>(() => bob.JoinRoomAsync(room).DefaultTimeout())).Code);
        Assert.Equal(ErrorCodes.Muted, (await Assert.ThrowsAsync<ChatException>(() => carol.PostMessageAsync(room, "hi", null).DefaultTimeout())).Code);
        var muted = (await owner.GetRoomInfoAsync(room).DefaultTimeout()).Members.Single(m => m.UserId == "carol");
        Assert.NotNull(muted.MutedUntil);
        Assert.Equal(RemovalReasons.Banned, (await removals.NextAsync()).Reason);

        await UntilAsync(() => bob.JoinRoomAsync(room));
        await UntilAsync(() => carol.PostMessageAsync(room, "back", null));
        Assert.True(DateTime.UtcNow >= until.AddMilliseconds(-50));
    }

    [Fact]
    public async Task ABannedUserGetsTheBansEndAndAnUnbanLetsThemBackAtOnce()
    {
        var (room, owner) = await PublicRoomAsync("unban");
        await using var ownerConnection = owner;
        await using var bob = await fixture.Host.ConnectAsync("bob");
        await bob.JoinRoomAsync(room).DefaultTimeout();
        var removals = new Inbox<RoomRemoval>();
        bob.RemovedFromRoom += removals.Add;
        var until = DateTime.UtcNow.AddHours(1);

        await owner.BanAsync(room, "bob", until).DefaultTimeout();
        var removal = await removals.NextAsync();
        await owner.UnbanAsync(room, "bob").DefaultTimeout();

        Assert.Equal((RemovalReasons.Banned, "owner"), (removal.Reason, removal.ByUserId));
        Assert.True(Math.Abs((removal.Until!.Value - until).TotalMilliseconds) < 1);
        await bob.JoinRoomAsync(room).DefaultTimeout();
    }

    [Fact]
    public async Task AMutedUsersTypingReachesNoOneAndRoomUpdatedTellsTheRoom()
    {
        var (room, owner) = await PublicRoomAsync("typing");
        await using var ownerConnection = owner;
        await using var bob = await fixture.Host.ConnectAsync("bob");
        var typing = new Inbox<TypingEvent>();
        var updates = new Inbox<RoomInfo>();
        owner.UserTyping += typing.Add;
        bob.RoomUpdated += updates.Add;
        await owner.JoinRoomAsync(room).DefaultTimeout();
        await bob.JoinRoomAsync(room).DefaultTimeout();

        await owner.MuteAsync(room, "bob").DefaultTimeout();
        var update = await updates.NextAsync();
        await bob.TypingAsync(room, true).DefaultTimeout();
        await owner.UnmuteAsync(room, "bob").DefaultTimeout();
        await updates.NextAsync(u => u.Members.Single(m => m.UserId == "bob").MutedUntil is null);
        await bob.TypingAsync(room, false).DefaultTimeout();

        // The unmuted notice arrives; the muted one never did: it would have come first.
        Assert.False((await typing.NextAsync()).IsTyping);
        Assert.Single(typing.All);
        Assert.True(update.Members.Single(m => m.UserId == "bob").MutedUntil > DateTime.UtcNow.AddYears(1000));
    }

    [Fact]
    public async Task AnInviteTellsEveryConnectionOfTheUserAndLeavingForGoodEndsTheMembership()
    {
        var room = fixture.NewRoomName("invite");
        await using var owner = await fixture.Host.ConnectAsync("owner");
        await owner.CreateRoomAsync(room, RoomKinds.Private, "club").DefaultTimeout();
        await using var phone = await fixture.Host.ConnectAsync("bob");
        await using var laptop = await fixture.Host.ConnectAsync("bob");
        var added = new Inbox<RoomInfo>();
        var removals = new Inbox<RoomRemoval>();
        phone.AddedToRoom += added.Add;
        laptop.AddedToRoom += added.Add;
        phone.RemovedFromRoom += removals.Add;
        laptop.RemovedFromRoom += removals.Add;

        await owner.InviteAsync(room, "bob").DefaultTimeout();
        var invitations = await added.WaitForCountAsync(2);
        await phone.JoinRoomAsync(room).DefaultTimeout();
        await phone.LeaveRoomForGoodAsync(room).DefaultTimeout();

        Assert.All(invitations, i => Assert.Equal((room, RoomKinds.Private, "club"), (i.Room, i.Kind, i.Topic)));
        Assert.All(await removals.WaitForCountAsync(2), r => Assert.Equal(new RoomRemoval(room, RemovalReasons.Left, "bob", null), r));
        Assert.Equal(ErrorCodes.Forbidden, (await Assert.ThrowsAsync<ChatException>(() => laptop.JoinRoomAsync(room).DefaultTimeout())).Code);
    }

    [Fact]
    public async Task ThePrivateRoomsContentNeverReachesAnOutsider()
    {
        var room = fixture.NewRoomName("secret");
        var other = fixture.NewRoomName("secret");
        await using var owner = await fixture.Host.ConnectAsync("owner");
        await using var member = await fixture.Host.ConnectAsync("member");
        await using var eve = await fixture.Host.ConnectAsync("eve");
        var seen = new List<object>();
        eve.MessageReceived += m => Record(seen, m);
        eve.UserJoined += e => Record(seen, e);
        eve.UserLeft += e => Record(seen, e);
        eve.UserTyping += e => Record(seen, e);
        eve.RoomUpdated += e => Record(seen, e);
        eve.AddedToRoom += e => Record(seen, e);
        eve.RemovedFromRoom += e => Record(seen, e);
        eve.ReadMarkerMoved += e => Record(seen, e);
        var barrier = fixture.NewRoomName("barrier");
        var barrierMessages = new Inbox<ChatMessage>();
        eve.MessageReceived += barrierMessages.Add;
        await eve.JoinRoomAsync(barrier).DefaultTimeout();
        // SendMessage itself (the client's sends use PostMessage), from a second connection of eve's.
        await using var eveRaw = await RawChatConnection.ConnectAsync(fixture.Host.BaseAddress, "eve");

        await owner.CreateRoomAsync(room, RoomKinds.Private, "the plan").DefaultTimeout();
        await owner.CreateRoomAsync(other, RoomKinds.Private, "another plan").DefaultTimeout();
        await owner.InviteAsync(room, "member").DefaultTimeout();
        await owner.JoinRoomAsync(room).DefaultTimeout();
        await member.JoinRoomAsync(room).DefaultTimeout();
        var secret = await owner.PostMessageAsync(room, "the secret", null).DefaultTimeout();
        await owner.JoinRoomAsync(other).DefaultTimeout();
        await owner.PostMessageAsync(other, "the other secret", null).DefaultTimeout();
        await member.TypingAsync(room, true).DefaultTimeout();
        await owner.UpdateRoomAsync(room, "the new plan").DefaultTimeout();
        await owner.MuteAsync(room, "member").DefaultTimeout();
        await owner.UnmuteAsync(room, "member").DefaultTimeout();

        var calls = new Func<string, Task>[]
        {
            r => eve.JoinRoomAsync(r), r => eve.GetHistoryAsync(r, null, 50), r => eve.PostMessageAsync(r, "let me in", null),
            r => eve.MarkReadAsync(r, 1), r => eve.GetRoomInfoAsync(r), r => eve.UpdateRoomAsync(r, "mine now"),
            r => eve.InviteAsync(r, "eve"), r => eve.SetRoleAsync(r, "eve", RoomRoles.Owner), r => eve.KickAsync(r, "member"),
            r => eve.BanAsync(r, "member"), r => eve.UnbanAsync(r, "member"), r => eve.MuteAsync(r, "member"),
            r => eve.UnmuteAsync(r, "member"), r => eve.LeaveRoomForGoodAsync(r),
            r => eve.EditMessageAsync(r, secret.Id, "mine now"), r => eve.DeleteMessageAsync(r, secret.Id), r => eve.TypingAsync(r, true),
            r => eveRaw.SendAsync(r, "let me in"), r => eve.SendMessageAsync(r, "let me in"),
        };
        foreach (var call in calls)
        {
            var refusal = await RefusalAsync(() => call(room).DefaultTimeout());
            var otherRefusal = await RefusalAsync(() => call(other).DefaultTimeout());
            Assert.Equal(ErrorCodes.Forbidden, ErrorCodes.Find(refusal.Message));
            // Two private rooms' refusals read the same but for the name: nothing of either room is in them.
            Assert.Equal(refusal.Message.Replace(room, "ROOM", StringComparison.Ordinal), otherRefusal.Message.Replace(other, "ROOM", StringComparison.Ordinal));
            Assert.DoesNotContain("plan", refusal.Message, StringComparison.Ordinal);
        }

        Assert.DoesNotContain(await eve.ListRoomsAsync(null, 200).DefaultTimeout(), r => r.Room == room || r.Room == other);
        Assert.Contains(await member.ListRoomsAsync("plan", 200).DefaultTimeout(), r => r.Room == room && r.Topic == "the new plan");
        Assert.False((await StatsAsync("eve")).TryGetProperty(room, out _));
        Assert.Equal(2, (await StatsAsync("member")).GetProperty(room).GetInt32());

        // Per connection, sends arrive in order: once this one is in, anything of the private room would have been too.
        await owner.JoinRoomAsync(barrier).DefaultTimeout();
        await owner.PostMessageAsync(barrier, "barrier", null).DefaultTimeout();
        await barrierMessages.NextAsync(m => m.Text == "barrier");
        lock (seen)
        {
            Assert.DoesNotContain(seen, e => e.ToString()!.Contains(room, StringComparison.Ordinal) || e.ToString()!.Contains("secret", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task ARestartKeepsRoomsRolesAndBans()
    {
        var directory = Directory.CreateTempSubdirectory("hubapp-rooms-restart-").FullName;
        try
        {
            await using (var first = await HubAppHost.StartAsync(dataDirectory: directory))
            {
                await using var owner = await first.ConnectAsync("owner");
                await RoomHostFixture.SeedAsync(owner, "kept", "moderator", ["member"], "banned", "muted");
                await first.StopAsync();
            }

            await using var second = await HubAppHost.StartAsync(dataDirectory: directory);
            await using var again = await second.ConnectAsync("owner");
            await using var banned = await second.ConnectAsync("banned");
            await using var outsider = await second.ConnectAsync("outsider");
            var info = await again.GetRoomInfoAsync("kept").DefaultTimeout();

            RoomHostFixture.AssertSeeded(info);
            Assert.Equal(ErrorCodes.Forbidden, (await Assert.ThrowsAsync<ChatException>(() => banned.JoinRoomAsync("kept").DefaultTimeout())).Code);
            Assert.Equal(ErrorCodes.Forbidden, (await Assert.ThrowsAsync<ChatException>(() => outsider.JoinRoomAsync("kept").DefaultTimeout())).Code);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task TheDirectoryListsMostRecentlyActiveFirstAndMatchesNameOrTopicWhateverTheCase()
    {
        var quiet = fixture.NewRoomName("dir-quiet");
        var busy = fixture.NewRoomName("dir-busy");
        var hidden = fixture.NewRoomName("dir-hidden");
        await using var owner = await fixture.Host.ConnectAsync("owner");
        await using var reader = await fixture.Host.ConnectAsync("reader");
        await owner.CreateRoomAsync(quiet, RoomKinds.Public, "Knitting Circle").DefaultTimeout();
        await owner.CreateRoomAsync(hidden, RoomKinds.Private, "knitting secrets").DefaultTimeout();
        await owner.JoinRoomAsync(busy).DefaultTimeout();
        await owner.PostMessageAsync(busy, "knit one", null).DefaultTimeout();

        var all = await reader.ListRoomsAsync(null, 200).DefaultTimeout();
        var knitting = await reader.ListRoomsAsync("KNITTING", 200).DefaultTimeout();
        var busyRow = all.Single(r => r.Room == busy);

        Assert.True(all.ToList().FindIndex(r => r.Room == busy) < all.ToList().FindIndex(r => r.Room == quiet));
        Assert.Equal((RoomKinds.Open, 1, 1L), (busyRow.Kind, busyRow.Present, busyRow.LatestId));
        Assert.Equal([quiet], knitting.Select(r => r.Room).Where(r => r.StartsWith("dir-", StringComparison.Ordinal)));
        Assert.Contains(await owner.ListRoomsAsync("secrets", 200).DefaultTimeout(), r => r.Room == hidden);
        Assert.Single(await reader.ListRoomsAsync(null, 1).DefaultTimeout());
    }

    /// <summary>A fresh public room and its owner's connection ("owner"), which the caller disposes.</summary>
    private async Task<(string Room, ChatClient Owner)> PublicRoomAsync(string prefix)
    {
        var room = fixture.NewRoomName(prefix);
        var owner = await fixture.Host.ConnectAsync("owner");
        await owner.CreateRoomAsync(room, RoomKinds.Public).DefaultTimeout();
        return (room, owner);
    }

    // A refusal from the client (ChatException) or from a raw hub connection (HubException).
    private static async Task<Exception> RefusalAsync(Func<Task> call)
    {
        var refusal = await Xunit.Record.ExceptionAsync(call);
        Assert.True(refusal is ChatException or Microsoft.AspNetCore.SignalR.HubException, $"not a refusal: {refusal}");
        return refusal;
    }

    private static Task Record(List<object> seen, object item)
    {
        lock (seen)
        {
            seen.Add(item);
        }

        return Task.CompletedTask;
    }

    private async Task<JsonElement> StatsAsync(string userId)
    {
        using var http = fixture.Host.CreateHttpClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestTokens.Create(userId));
        return (await http.GetFromJsonAsync<JsonElement>("/stats")).GetProperty("rooms");
    }

    /// <summary>Retries <paramref name="call"/> while it is refused (a ban or mute not over yet), a bounded number of times.</summary>
    private static async Task UntilAsync(Func<Task> call)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await call().DefaultTimeout();
                return;
            }
            catch (ChatException refused) when (refused.Code is ErrorCodes.Forbidden or ErrorCodes.Muted && attempt < ExpiryAttempts)
            {
                await Task.Delay(100);
            }
        }
    }
}
