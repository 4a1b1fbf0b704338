using HubApp.Client;
using HubApp.Contracts;
using HubApp.Testing;

namespace HubApp.Tests.Rooms;

/// <summary>Each user's rooms, which follow the user to every device (contract v3, "Your rooms"), on one host.</summary>
public sealed class MyRoomsTests
{
    [Theory]
    [InlineData(ChatProtocol.Json)]
    [InlineData(ChatProtocol.MessagePack)]
    public async Task AJoinOnOneConnectionPutsTheRoomOnTheListThatAnotherConnectionReadsAndTellsItWithRoomAdded(ChatProtocol protocol)
    {
        await using var host = await HubAppHost.StartAsync();
        await using var phone = await StartAsync(host, "bob", protocol);
        await using var laptop = await StartAsync(host, "bob", protocol);
        var addedOnLaptop = new Inbox<MyRoom>();
        var addedOnPhone = new Inbox<MyRoom>();
        laptop.RoomAdded += addedOnLaptop.Add;
        phone.RoomAdded += addedOnPhone.Add;
        // A round trip each: the hub answers only once a connection is set up (in the presence directory), which its client
        // may not wait for; a change made before that is read, not told.
        Assert.Empty(await laptop.GetMyRoomsAsync().DefaultTimeout());
        Assert.Empty(await phone.GetMyRoomsAsync().DefaultTimeout());

        await phone.JoinRoomAsync("Lobby").DefaultTimeout();
        var added = await addedOnLaptop.NextAsync();
        var listed = await laptop.GetMyRoomsAsync().DefaultTimeout();

        Assert.Equal(new MyRoom("lobby", RoomKinds.Open, null, 0, null, 0, 0, 0), added);
        Assert.Equal([added], listed);

        // A re-join of a listed room changes no list: the next RoomAdded is the next room's, and the joiner got none of its own.
        await phone.LeaveRoomAsync("lobby").DefaultTimeout();
        await phone.JoinRoomAsync("lobby").DefaultTimeout();
        await phone.JoinRoomAsync("second").DefaultTimeout();
        Assert.Equal("second", (await addedOnLaptop.NextAsync()).Room);
        await laptop.JoinRoomAsync("third").DefaultTimeout();
        Assert.Equal("third", (await addedOnPhone.NextAsync()).Room);
        Assert.Single(addedOnPhone.All);
        Assert.Equal(["lobby", "second", "third"], (await phone.GetMyRoomsAsync().DefaultTimeout()).Select(r => r.Room).Order());
    }

    [Theory]
    [InlineData(ChatProtocol.Json)]
    [InlineData(ChatProtocol.MessagePack)]
    public async Task LeavingAnOpenRoomAndGeneralForGoodTakesThemOffTheListAfterAReconnectToo(ChatProtocol protocol)
    {
        await using var host = await HubAppHost.StartAsync();
        await using var phone = await StartAsync(host, "bob", protocol);
        await using var laptop = await StartAsync(host, "bob", protocol);
        var removedFromList = new Inbox<string>();
        var removals = new Inbox<RoomRemoval>();
        laptop.RoomRemoved += removedFromList.Add;
        laptop.RemovedFromRoom += removals.Add;
        await phone.JoinRoomAsync("general").DefaultTimeout();
        await phone.JoinRoomAsync("open-room").DefaultTimeout();
        await phone.JoinRoomAsync("kept").DefaultTimeout();
        await laptop.JoinRoomAsync("open-room").DefaultTimeout();

        await phone.LeaveRoomForGoodAsync("open-room").DefaultTimeout();
        await phone.LeaveRoomForGoodAsync("general").DefaultTimeout();
        // LeaveRoom is the connection's: the room stays on the list.
        await phone.LeaveRoomAsync("kept").DefaultTimeout();

        Assert.Equal(["open-room", "general"], await removedFromList.WaitForCountAsync(2));
        Assert.Equal(("open-room", RemovalReasons.Left), await removals.NextAsync() is var r ? (r.Room, r.Reason) : default);
        Assert.DoesNotContain("open-room", laptop.LastSeenIds.Keys);
        await using var tablet = await StartAsync(host, "bob", protocol);
        Assert.Equal(["kept"], (await tablet.GetMyRoomsAsync().DefaultTimeout()).Select(room => room.Room));
    }

    [Fact]
    public async Task AKickAndABanTakeTheRoomOffTheUsersListAndTellEveryConnectionOfTheirs()
    {
        await using var host = await HubAppHost.StartAsync();
        await using var owner = await host.ConnectAsync("owner");
        await using var bob = await host.ConnectAsync("bob");
        var removedFromList = new Inbox<string>();
        bob.RoomRemoved += removedFromList.Add;
        await owner.CreateRoomAsync("kick-me", RoomKinds.Public).DefaultTimeout();
        await owner.CreateRoomAsync("ban-me", RoomKinds.Public).DefaultTimeout();
        foreach (var room in new[] { "kick-me", "ban-me", "stays" })
        {
            await bob.JoinRoomAsync(room).DefaultTimeout();
        }

        await owner.KickAsync("kick-me", "bob").DefaultTimeout();
        await owner.BanAsync("ban-me", "bob", DateTime.UtcNow.AddHours(1)).DefaultTimeout();

        Assert.Equal(["kick-me", "ban-me"], await removedFromList.WaitForCountAsync(2));
        Assert.Equal(["stays"], (await bob.GetMyRoomsAsync().DefaultTimeout()).Select(r => r.Room));
    }

    [Fact]
    public async Task AJoinAfterAKickOrALeaveForGoodListsTheRoomAgainThoughThisNodeHadSeenItListed()
    {
        await using var host = await HubAppHost.StartAsync();
        await using var owner = await host.ConnectAsync("owner");
        await using var phone = await host.ConnectAsync("bob");
        await using var laptop = await host.ConnectAsync("bob");
        await owner.CreateRoomAsync("kick-me", RoomKinds.Public).DefaultTimeout();
        // Carol stays in the open room, so that this node keeps its copy of it (and what it saw listed) throughout.
        await using var carol = await host.ConnectAsync("carol");
        await carol.JoinRoomAsync("open-room").DefaultTimeout();
        foreach (var room in new[] { "kick-me", "open-room" })
        {
            // The second join is of a room this node has seen on bob's list: the store is not asked again.
            await phone.JoinRoomAsync(room).DefaultTimeout();
            await laptop.JoinRoomAsync(room).DefaultTimeout();
        }

        await owner.KickAsync("kick-me", "bob").DefaultTimeout();
        await phone.LeaveRoomForGoodAsync("open-room").DefaultTimeout();
        Assert.Empty(await laptop.GetMyRoomsAsync().DefaultTimeout());
        await laptop.JoinRoomAsync("kick-me").DefaultTimeout();
        await laptop.JoinRoomAsync("open-room").DefaultTimeout();

        Assert.Equal(["kick-me", "open-room"], (await phone.GetMyRoomsAsync().DefaultTimeout()).Select(r => r.Room).Order());
    }

    [Fact]
    public async Task AJoinOfOneRoomBeyondMaxRoomsPerUserIsRefusedWithTooManyRoomsUntilOneIsLeftForGood()
    {
        await using var host = await HubAppHost.StartAsync(new Dictionary<string, string?> { ["Limits:MaxRoomsPerUser"] = "2" });
        await using var bob = await host.ConnectAsync("bob");
        await bob.JoinRoomAsync("a").DefaultTimeout();
        await bob.JoinRoomAsync("b").DefaultTimeout();

        var refused = await Assert.ThrowsAsync<ChatException>(() => bob.JoinRoomAsync("c").DefaultTimeout());
        var notIn = await Assert.ThrowsAsync<ChatException>(() => bob.SendMessageAsync("c", "hi").DefaultTimeout());
        await using var laptop = await host.ConnectAsync("bob");
        await laptop.JoinRoomAsync("a").DefaultTimeout();
        await bob.LeaveRoomForGoodAsync("a").DefaultTimeout();
        await bob.JoinRoomAsync("c").DefaultTimeout();

        Assert.Equal(ErrorCodes.TooManyRooms, refused.Code);
        Assert.Equal(ErrorCodes.NotInRoom, notIn.Code);
        Assert.Equal(["b", "c"], (await bob.GetMyRoomsAsync().DefaultTimeout()).Select(r => r.Room).Order());
    }

    [Fact]
    public async Task TheMentionCountCountsMessagesByOthersAfterTheMarkerThatMentionTheUserInTheSnapshotAndTheList()
    {
        await using var host = await HubAppHost.StartAsync();
        await using var alice = await host.ConnectAsync("alice");
        await using var bob = await host.ConnectAsync("bob");
        await bob.JoinRoomAsync("talk").DefaultTimeout();
        await bob.LeaveRoomAsync("talk").DefaultTimeout();
        await alice.JoinRoomAsync("talk").DefaultTimeout();
        var first = await alice.SendMessageAsync("talk", "hi @bob!").DefaultTimeout();
        foreach (var text in new[] { "@bobby is someone else", "thanks @BOB.", "bob without an at" })
        {
            await alice.SendMessageAsync("talk", text).DefaultTimeout();
        }

        var listed = Assert.Single(await bob.GetMyRoomsAsync().DefaultTimeout());
        var snapshot = await bob.JoinRoomAsync("talk").DefaultTimeout();
        await bob.SendMessageAsync("talk", "me, @bob").DefaultTimeout();
        await bob.MarkReadAsync("talk", first.Id).DefaultTimeout();
        var afterMarker = Assert.Single(await bob.GetMyRoomsAsync().DefaultTimeout());

        Assert.Equal(("talk", 4, 2, 4L), (listed.Room, listed.UnreadCount, listed.MentionCount, listed.LatestId));
        Assert.Equal((4, 2), (snapshot.UnreadCount, snapshot.MentionCount));
        Assert.Equal((first.Id, 3, 1), (afterMarker.LastReadId, afterMarker.UnreadCount, afterMarker.MentionCount));
    }

    [Fact]
    public async Task GetBansListsTheBansInForceWithWhoAndWhenForAModeratorAndRefusesAMember()
    {
        await using var host = await HubAppHost.StartAsync();
        await using var owner = await host.ConnectAsync("owner");
        await using var carol = await host.ConnectAsync("carol");
        await using var bob = await host.ConnectAsync("bob");
        await owner.CreateRoomAsync("club", RoomKinds.Public).DefaultTimeout();
        await bob.JoinRoomAsync("club").DefaultTimeout();
        await carol.JoinRoomAsync("club").DefaultTimeout();
        await owner.SetRoleAsync("club", "carol", RoomRoles.Moderator).DefaultTimeout();
        var before = DateTime.UtcNow.AddSeconds(-1);
        var until = DateTime.UtcNow.AddHours(1);

        await owner.BanAsync("club", "dave", until).DefaultTimeout();
        await carol.BanAsync("club", "erin").DefaultTimeout();
        await owner.BanAsync("club", "frank").DefaultTimeout();
        await owner.UnbanAsync("club", "frank").DefaultTimeout();
        await owner.MuteAsync("club", "bob").DefaultTimeout();
        var bans = await carol.GetBansAsync("club").DefaultTimeout();
        var refused = await Assert.ThrowsAsync<ChatException>(() => bob.GetBansAsync("club").DefaultTimeout());

        Assert.Equal([("dave", "owner"), ("erin", "carol")], bans.Select(b => (b.UserId, b.ByUserId)));
        Assert.True(Math.Abs((bans[0].Until!.Value - until).TotalMilliseconds) < 1);
        Assert.Null(bans[1].Until);
        Assert.All(bans, b => Assert.InRange(b.At, before, DateTime.UtcNow.AddSeconds(1)));
        Assert.Equal(ErrorCodes.Forbidden, refused.Code);
    }

    [Fact]
    public async Task AnOpenRoomClaimedAsPrivateIsNoLongerListedForAUserWhoMayNotReadIt()
    {
        await using var host = await HubAppHost.StartAsync();
        await using var bob = await host.ConnectAsync("bob");
        await using var admin = host.CreateClient("admin", token: () => TestTokens.Create("admin", "admin", roles: [TestTokens.AdminRole]));
        await admin.StartAsync().DefaultTimeout();
        await bob.JoinRoomAsync("taken").DefaultTimeout();
        await bob.JoinRoomAsync("kept").DefaultTimeout();
        await bob.SendMessageAsync("taken", "mine, I thought").DefaultTimeout();

        await admin.CreateRoomAsync("taken", RoomKinds.Private).DefaultTimeout();

        Assert.Equal(["kept"], (await bob.GetMyRoomsAsync().DefaultTimeout()).Select(r => r.Room));
    }

    [Fact]
    public async Task AReconnectRejoinsTheClientsRoomsWithoutTellingTheOtherConnectionsAndARoomLeftForGoodIsNotRejoined()
    {
        await using var host = await HubAppHost.StartAsync();
        await using var phone = await host.ConnectAsync("bob");
        await using var laptop = await host.ConnectAsync("bob");
        var added = new Inbox<MyRoom>();
        laptop.RoomAdded += added.Add;
        var reconnected = new Inbox<bool>();
        phone.Reconnected += () => reconnected.Add(true);
        laptop.Reconnected += () => reconnected.Add(true);
        // A round trip: the laptop's connection is set up (see the first test).
        await laptop.GetMyRoomsAsync().DefaultTimeout();
        await phone.JoinRoomAsync("stays").DefaultTimeout();
        await phone.JoinRoomAsync("goes").DefaultTimeout();
        Assert.Equal(["stays", "goes"], [(await added.NextAsync()).Room, (await added.NextAsync()).Room]);
        await laptop.LeaveRoomForGoodAsync("goes").DefaultTimeout();

        host.Aborter.AbortUser("bob");
        await reconnected.WaitForCountAsync(2);
        await laptop.GetMyRoomsAsync().DefaultTimeout();
        await phone.JoinRoomAsync("barrier").DefaultTimeout();

        Assert.Equal("barrier", (await added.NextAsync()).Room);
        Assert.Equal(["barrier", "stays"], phone.LastSeenIds.Keys.Order());
        Assert.Equal(["barrier", "stays"], (await laptop.GetMyRoomsAsync().DefaultTimeout()).Select(r => r.Room).Order());
    }

    [Fact]
    public async Task GetMyRoomsAndGetBansCountTowardTheReadAllowance()
    {
        await using var host = await HubAppHost.StartAsync(new Dictionary<string, string?> { ["Limits:ReadsPerSecond"] = "1", ["Limits:ReadBurst"] = "3" });
        await using var phone = await host.ConnectAsync("bob");
        await using var laptop = await host.ConnectAsync("bob");

        // A burst of 3 a connection, 1 a second after it: twenty calls in a row meet the limit however slow the machine.
        var lists = await RefusalsAsync(() => phone.GetMyRoomsAsync());
        var bans = await RefusalsAsync(() => laptop.GetBansAsync("somewhere"));

        Assert.Contains(ErrorCodes.RateLimited, lists);
        Assert.Equal([ErrorCodes.Forbidden, ErrorCodes.RateLimited], bans.Distinct().Order());
    }

    private static async Task<List<string>> RefusalsAsync(Func<Task> read)
    {
        var codes = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            try
            {
                await read().DefaultTimeout();
            }
            catch (ChatException ex)
            {
                codes.Add(ex.Code);
            }
        }

        return codes;
    }

    private static async Task<ChatClient> StartAsync(HubAppHost host, string userId, ChatProtocol protocol)
    {
        var client = host.CreateClient(userId, protocol: protocol);
        await client.StartAsync().DefaultTimeout();
        return client;
    }
}
