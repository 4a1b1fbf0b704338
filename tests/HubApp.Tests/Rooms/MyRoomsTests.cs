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
        Assert.Empty(await laptop.GetMyRoomsAsync().WaitAsync(TestTimeouts.Default));
        Assert.Empty(await phone.GetMyRoomsAsync().WaitAsync(TestTimeouts.Default));

        await phone.JoinRoomAsync("Lobby").WaitAsync(TestTimeouts.Default);
        var added = await addedOnLaptop.NextAsync();
        var listed = await laptop.GetMyRoomsAsync().WaitAsync(TestTimeouts.Default);

        Assert.Equal(new MyRoom("lobby", RoomKinds.Open, null, 0, null, 0, 0, 0), added);
        Assert.Equal([added], listed);

        // A re-join of a listed room changes no list: the next RoomAdded is the next room's, and the joiner got none of its own.
        await phone.LeaveRoomAsync("lobby").WaitAsync(TestTimeouts.Default);
        await phone.JoinRoomAsync("lobby").WaitAsync(TestTimeouts.Default);
        await phone.JoinRoomAsync("second").WaitAsync(TestTimeouts.Default);
        Assert.Equal("second", (await addedOnLaptop.NextAsync()).Room);
        await laptop.JoinRoomAsync("third").WaitAsync(TestTimeouts.Default);
        Assert.Equal("third", (await addedOnPhone.NextAsync()).Room);
        Assert.Single(addedOnPhone.All);
        Assert.Equal(["lobby", "second", "third"], (await phone.GetMyRoomsAsync().WaitAsync(TestTimeouts.Default)).Select(r => r.Room).Order());
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
        await phone.JoinRoomAsync("general").WaitAsync(TestTimeouts.Default);
        await phone.JoinRoomAsync("open-room").WaitAsync(TestTimeouts.Default);
        await phone.JoinRoomAsync("kept").WaitAsync(TestTimeouts.Default);
        await laptop.JoinRoomAsync("open-room").WaitAsync(TestTimeouts.Default);

        await phone.LeaveRoomForGoodAsync("open-room").WaitAsync(TestTimeouts.Default);
        await phone.LeaveRoomForGoodAsync("general").WaitAsync(TestTimeouts.Default);
        // LeaveRoom is the connection's: the room stays on the list.
        await phone.LeaveRoomAsync("kept").WaitAsync(TestTimeouts.Default);

        Assert.Equal(["open-room", "general"], await removedFromList.WaitForCountAsync(2));
        Assert.Equal(("open-room", RemovalReasons.Left), await removals.NextAsync() is var r ? (r.Room, r.Reason) : default);
        Assert.DoesNotContain("open-room", laptop.LastSeenIds.Keys);
        await using var tablet = await StartAsync(host, "bob", protocol);
        Assert.Equal(["kept"], (await tablet.GetMyRoomsAsync().WaitAsync(TestTimeouts.Default)).Select(room => room.Room));
    }

    [Fact]
    public async Task AKickAndABanTakeTheRoomOffTheUsersListAndTellEveryConnectionOfTheirs()
    {
        await using var host = await HubAppHost.StartAsync();
        await using var owner = await host.ConnectAsync("owner");
        await using var bob = await host.ConnectAsync("bob");
        var removedFromList = new Inbox<string>();
        bob.RoomRemoved += removedFromList.Add;
        await owner.CreateRoomAsync("kick-me", RoomKinds.Public).WaitAsync(TestTimeouts.Default);
        await owner.CreateRoomAsync("ban-me", RoomKinds.Public).WaitAsync(TestTimeouts.Default);
        foreach (var room in new[] { "kick-me", "ban-me", "stays" })
        {
            await bob.JoinRoomAsync(room).WaitAsync(TestTimeouts.Default);
        }

        await owner.KickAsync("kick-me", "bob").WaitAsync(TestTimeouts.Default);
        await owner.BanAsync("ban-me", "bob", DateTime.UtcNow.AddHours(1)).WaitAsync(TestTimeouts.Default);

        Assert.Equal(["kick-me", "ban-me"], await removedFromList.WaitForCountAsync(2));
        Assert.Equal(["stays"], (await bob.GetMyRoomsAsync().WaitAsync(TestTimeouts.Default)).Select(r => r.Room));
    }

    [Fact]
    public async Task AJoinOfOneRoomBeyondMaxRoomsPerUserIsRefusedWithTooManyRoomsUntilOneIsLeftForGood()
    {
        await using var host = await HubAppHost.StartAsync(new Dictionary<string, string?> { ["Limits:MaxRoomsPerUser"] = "2" });
        await using var bob = await host.ConnectAsync("bob");
        await bob.JoinRoomAsync("a").WaitAsync(TestTimeouts.Default);
        await bob.JoinRoomAsync("b").WaitAsync(TestTimeouts.Default);

        var refused = await Assert.ThrowsAsync<ChatException>(() => bob.JoinRoomAsync("c").WaitAsync(TestTimeouts.Default));
        var notIn = await Assert.ThrowsAsync<ChatException>(() => bob.SendMessageAsync("c", "hi").WaitAsync(TestTimeouts.Default));
        await using var laptop = await host.ConnectAsync("bob");
        await laptop.JoinRoomAsync("a").WaitAsync(TestTimeouts.Default);
        await bob.LeaveRoomForGoodAsync("a").WaitAsync(TestTimeouts.Default);
        await bob.JoinRoomAsync("c").WaitAsync(TestTimeouts.Default);

        Assert.Equal(ErrorCodes.TooManyRooms, refused.Code);
        Assert.Equal(ErrorCodes.NotInRoom, notIn.Code);
        Assert.Equal(["b", "c"], (await bob.GetMyRoomsAsync().WaitAsync(TestTimeouts.Default)).Select(r => r.Room).Order());
    }

    [Fact]
    public async Task TheMentionCountCountsMessagesByOthersAfterTheMarkerThatMentionTheUserInTheSnapshotAndTheList()
    {
        await using var host = await HubAppHost.StartAsync();
        await using var alice = await host.ConnectAsync("alice");
        await using var bob = await host.ConnectAsync("bob");
        await bob.JoinRoomAsync("talk").WaitAsync(TestTimeouts.Default);
        await bob.LeaveRoomAsync("talk").WaitAsync(TestTimeouts.Default);
        await alice.JoinRoomAsync("talk").WaitAsync(TestTimeouts.Default);
        var first = await alice.SendMessageAsync("talk", "hi @bob!").WaitAsync(TestTimeouts.Default);
        foreach (var text in new[] { "@bobby is someone else", "thanks @BOB.", "bob without an at" })
        {
            await alice.SendMessageAsync("talk", text).WaitAsync(TestTimeouts.Default);
        }

        var listed = Assert.Single(await bob.GetMyRoomsAsync().WaitAsync(TestTimeouts.Default));
        var snapshot = await bob.JoinRoomAsync("talk").WaitAsync(TestTimeouts.Default);
        await bob.SendMessageAsync("talk", "me, @bob").WaitAsync(TestTimeouts.Default);
        await bob.MarkReadAsync("talk", first.Id).WaitAsync(TestTimeouts.Default);
        var afterMarker = Assert.Single(await bob.GetMyRoomsAsync().WaitAsync(TestTimeouts.Default));

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
        await owner.CreateRoomAsync("club", RoomKinds.Public).WaitAsync(TestTimeouts.Default);
        await bob.JoinRoomAsync("club").WaitAsync(TestTimeouts.Default);
        await carol.JoinRoomAsync("club").WaitAsync(TestTimeouts.Default);
        await owner.SetRoleAsync("club", "carol", RoomRoles.Moderator).WaitAsync(TestTimeouts.Default);
        var before = DateTime.UtcNow.AddSeconds(-1);
        var until = DateTime.UtcNow.AddHours(1);

        await owner.BanAsync("club", "dave", until).WaitAsync(TestTimeouts.Default);
        await carol.BanAsync("club", "erin").WaitAsync(TestTimeouts.Default);
        await owner.BanAsync("club", "frank").WaitAsync(TestTimeouts.Default);
        await owner.UnbanAsync("club", "frank").WaitAsync(TestTimeouts.Default);
        await owner.MuteAsync("club", "bob").WaitAsync(TestTimeouts.Default);
        var bans = await carol.GetBansAsync("club").WaitAsync(TestTimeouts.Default);
        var refused = await Assert.ThrowsAsync<ChatException>(() => bob.GetBansAsync("club").WaitAsync(TestTimeouts.Default));

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
        await admin.StartAsync().WaitAsync(TestTimeouts.Default);
        await bob.JoinRoomAsync("taken").WaitAsync(TestTimeouts.Default);
        await bob.JoinRoomAsync("kept").WaitAsync(TestTimeouts.Default);
        await bob.SendMessageAsync("taken", "mine, I thought").WaitAsync(TestTimeouts.Default);

        await admin.CreateRoomAsync("taken", RoomKinds.Private).WaitAsync(TestTimeouts.Default);

        Assert.Equal(["kept"], (await bob.GetMyRoomsAsync().WaitAsync(TestTimeouts.Default)).Select(r => r.Room));
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
        await laptop.GetMyRoomsAsync().WaitAsync(TestTimeouts.Default);
        await phone.JoinRoomAsync("stays").WaitAsync(TestTimeouts.Default);
        await phone.JoinRoomAsync("goes").WaitAsync(TestTimeouts.Default);
        Assert.Equal(["stays", "goes"], [(await added.NextAsync()).Room, (await added.NextAsync()).Room]);
        await laptop.LeaveRoomForGoodAsync("goes").WaitAsync(TestTimeouts.Default);

        host.Aborter.AbortUser("bob");
        await reconnected.WaitForCountAsync(2);
        await laptop.GetMyRoomsAsync().WaitAsync(TestTimeouts.Default);
        await phone.JoinRoomAsync("barrier").WaitAsync(TestTimeouts.Default);

        Assert.Equal("barrier", (await added.NextAsync()).Room);
        Assert.Equal(["barrier", "stays"], phone.LastSeenIds.Keys.Order());
        Assert.Equal(["barrier", "stays"], (await laptop.GetMyRoomsAsync().WaitAsync(TestTimeouts.Default)).Select(r => r.Room).Order());
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
                await read().WaitAsync(TestTimeouts.Default);
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
        await client.StartAsync().WaitAsync(TestTimeouts.Default);
        return client;
    }
}
