using HubApp.Contracts;
using HubApp.Storage;

namespace HubApp.Tests.Storage;

/// <summary>What every <see cref="IRoomStore"/> does, run against each provider by a subclass.</summary>
public abstract class RoomStoreTests : IAsyncLifetime
{
    private static readonly DateTime CreatedAt = new(2026, 12, 1, 12, 0, 0, DateTimeKind.Utc);

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public virtual Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task ACreatedRoomKeepsItsOwnerMembersBansAndMutesAcrossReopening()
    {
        await using (var first = await OpenAsync())
        {
            var store = first.Rooms;
            Assert.Equal(RoomCreation.Created, await store.CreateRoomAsync(new NewRoom("club", RoomKinds.Private, "secret things", "alice", "Alice", CreatedAt), claimOpen: false, CancellationToken.None));
            await store.AddMemberAsync("club", "bob", "Bob", CancellationToken.None);
            Assert.True(await store.SetRoleAsync("club", "alice", "bob", "Bob", RoomRoles.Moderator, CancellationToken.None));
            await store.AddMemberAsync("club", "carol", "carol", CancellationToken.None);
            await store.SetSanctionAsync("club", "carol", SanctionKind.Mute, CreatedAt.AddHours(1), "bob", CreatedAt.AddMinutes(5), CancellationToken.None);
            await store.SetSanctionAsync("club", "dave", SanctionKind.Ban, null, "alice", CreatedAt.AddMinutes(6), CancellationToken.None);
        }

        await using var second = await OpenAsync();
        var room = await second.Rooms.GetRoomAsync("club", CancellationToken.None);

        Assert.Equal((RoomKinds.Private, "alice", "secret things", CreatedAt), (room.Kind, room.OwnerId, room.Topic, room.CreatedAt));
        Assert.Equal([("alice", RoomRoles.Owner), ("bob", RoomRoles.Moderator), ("carol", RoomRoles.Member)], room.Members.Select(m => (m.UserId, m.Role)));
        Assert.Equal(
            [("carol", SanctionKind.Mute, (DateTime?)CreatedAt.AddHours(1), "bob", CreatedAt.AddMinutes(5)), ("dave", SanctionKind.Ban, null, "alice", CreatedAt.AddMinutes(6))],
            room.Sanctions.OrderBy(s => s.UserId, StringComparer.Ordinal).Select(s => (s.UserId, s.Kind, s.Until, s.ByUserId, s.At)));
    }

    [Fact]
    public async Task ATakenNameIsNotCreatedTwiceAndAnOpenRoomWithMessagesOnlyByAClaim()
    {
        await using var opened = await OpenAsync();
        await opened.Messages.AppendAsync(new WriteBatch([new("lobby", "u", "U", "hello")], [], DateTime.UtcNow), null, CancellationToken.None);

        Assert.Equal(RoomCreation.Created, await opened.Rooms.CreateRoomAsync(new NewRoom("fresh", RoomKinds.Public, null, "alice", "Alice", CreatedAt), false, CancellationToken.None));
        Assert.Equal(RoomCreation.Taken, await opened.Rooms.CreateRoomAsync(new NewRoom("fresh", RoomKinds.Public, null, "bob", "Bob", CreatedAt), true, CancellationToken.None));
        Assert.Equal(RoomCreation.Taken, await opened.Rooms.CreateRoomAsync(new NewRoom("lobby", RoomKinds.Public, null, "bob", "Bob", CreatedAt), false, CancellationToken.None));
        Assert.Equal(RoomCreation.Created, await opened.Rooms.CreateRoomAsync(new NewRoom("lobby", RoomKinds.Private, null, "admin", "Admin", CreatedAt), true, CancellationToken.None));
        Assert.Equal("alice", (await opened.Rooms.GetRoomAsync("fresh", CancellationToken.None)).OwnerId);
        Assert.Equal("hello", Assert.Single(await opened.Messages.GetLatestAsync("lobby", 10, CancellationToken.None)).Text);
        var lobby = await opened.Rooms.GetRoomAsync("lobby", CancellationToken.None);
        var nowhere = await opened.Rooms.GetRoomAsync("nowhere", CancellationToken.None);
        Assert.Equal((RoomKinds.Private, "admin", 1L), (lobby.Kind, lobby.OwnerId, lobby.LatestId));
        Assert.Equal((RoomKinds.Open, (string?)null, 0L), (nowhere.Kind, nowhere.OwnerId, nowhere.LatestId));
    }

    [Fact]
    public async Task AddingAMemberAgainKeepsTheRoleTheyHave()
    {
        await using var opened = await OpenAsync();
        var store = opened.Rooms;
        await store.CreateRoomAsync(new NewRoom("club", RoomKinds.Public, null, "alice", "Alice", CreatedAt), false, CancellationToken.None);
        await store.AddMemberAsync("club", "bob", "Bob", CancellationToken.None);
        Assert.True(await store.SetRoleAsync("club", "alice", "bob", "Bob", RoomRoles.Moderator, CancellationToken.None));

        // A join decided on a copy of the room from before bob's promotion, and one of its owner.
        await store.AddMemberAsync("club", "bob", "Bob", CancellationToken.None);
        await store.AddMemberAsync("club", "alice", "Alice", CancellationToken.None);
        await store.AddMemberAsync("club", "carol", "Carol", CancellationToken.None);

        var room = await store.GetRoomAsync("club", CancellationToken.None);
        Assert.Equal(
            [("alice", RoomRoles.Owner), ("bob", RoomRoles.Moderator), ("carol", RoomRoles.Member)],
            room.Members.OrderBy(m => m.UserId, StringComparer.Ordinal).Select(m => (m.UserId, m.Role)));
    }

    [Fact]
    public async Task AHandOverMakesTheOldOwnerAModeratorAndABanEndsTheMembership()
    {
        await using var opened = await OpenAsync();
        var store = opened.Rooms;
        await store.CreateRoomAsync(new NewRoom("club", RoomKinds.Private, null, "alice", "Alice", CreatedAt), false, CancellationToken.None);
        await store.AddMemberAsync("club", "bob", "Bob", CancellationToken.None);
        await store.AddMemberAsync("club", "carol", "Carol", CancellationToken.None);

        Assert.True(await store.SetRoleAsync("club", "alice", "bob", "Bob", RoomRoles.Owner, CancellationToken.None));
        Assert.False(await store.SetRoleAsync("club", "alice", "carol", "Carol", RoomRoles.Owner, CancellationToken.None));
        await store.SetSanctionAsync("club", "carol", SanctionKind.Ban, null, "bob", CreatedAt, CancellationToken.None);
        await store.RemoveSanctionAsync("club", "carol", SanctionKind.Ban, CancellationToken.None);

        var room = await store.GetRoomAsync("club", CancellationToken.None);
        Assert.Equal("bob", room.OwnerId);
        Assert.Equal([("alice", RoomRoles.Moderator), ("bob", RoomRoles.Owner)], room.Members.Select(m => (m.UserId, m.Role)));
        Assert.Empty(room.Sanctions);
    }

    [Fact]
    public async Task TheDirectoryListsOpenPublicAndTheCallersPrivateRoomsByQueryMostRecentFirst()
    {
        await using var opened = await OpenAsync();
        var store = opened.Rooms;
        await opened.Messages.AppendAsync(new WriteBatch([new("open-old", "u", "U", "x")], [], CreatedAt.AddMinutes(1)), null, CancellationToken.None);
        await opened.Messages.AppendAsync(new WriteBatch([new("open-new", "u", "U", "x")], [], CreatedAt.AddMinutes(3)), null, CancellationToken.None);
        await store.CreateRoomAsync(new NewRoom("pub", RoomKinds.Public, "All About Cats", "alice", "Alice", CreatedAt.AddMinutes(2)), false, CancellationToken.None);
        await store.CreateRoomAsync(new NewRoom("mine", RoomKinds.Private, "cats only", "bob", "Bob", CreatedAt), false, CancellationToken.None);
        await store.CreateRoomAsync(new NewRoom("theirs", RoomKinds.Private, "cats too", "carol", "Carol", CreatedAt), false, CancellationToken.None);

        var forBob = await store.ListRoomsAsync("bob", allPrivate: false, null, 200, CancellationToken.None);
        var cats = await store.ListRoomsAsync("bob", allPrivate: false, "cat", 200, CancellationToken.None);
        var forAdmin = await store.ListRoomsAsync("admin", allPrivate: true, "cat", 1, CancellationToken.None);

        Assert.Equal(["open-new", "pub", "open-old", "mine"], forBob.Select(r => r.Name));
        Assert.Equal((RoomKinds.Open, 1L, (DateTime?)CreatedAt.AddMinutes(3)), (forBob[0].Kind, forBob[0].LatestId, forBob[0].LastActivityAt));
        Assert.Equal(["pub", "mine"], cats.Select(r => r.Name));
        Assert.Single(forAdmin);
    }

    [Fact]
    public async Task ALikeWildcardInTheQueryIsMatchedLiterally()
    {
        await using var opened = await OpenAsync();
        await opened.Rooms.CreateRoomAsync(new NewRoom("a_b", RoomKinds.Public, null, "alice", "Alice", CreatedAt), false, CancellationToken.None);
        await opened.Rooms.CreateRoomAsync(new NewRoom("axb", RoomKinds.Public, "100%", "alice", "Alice", CreatedAt), false, CancellationToken.None);

        Assert.Equal(["a_b"], (await opened.Rooms.ListRoomsAsync("u", false, "_", 200, CancellationToken.None)).Select(r => r.Name));
        Assert.Equal(["axb"], (await opened.Rooms.ListRoomsAsync("u", false, "0%", 200, CancellationToken.None)).Select(r => r.Name));
    }

    [Fact]
    public async Task AUsersListTakesARoomOnceHoldsAtMostItsCapAndGivesUpARoomTakenOff()
    {
        await using var opened = await OpenAsync();
        var list = (IUserRoomStore)opened.Rooms;

        Assert.Equal(UserRoomAddition.Added, await list.AddUserRoomAsync("bob", "a", 2, CreatedAt, CancellationToken.None));
        Assert.Equal(UserRoomAddition.AlreadyListed, await list.AddUserRoomAsync("bob", "a", 2, CreatedAt, CancellationToken.None));
        Assert.Equal(UserRoomAddition.Added, await list.AddUserRoomAsync("bob", "b", 2, CreatedAt, CancellationToken.None));
        Assert.Equal(UserRoomAddition.ListFull, await list.AddUserRoomAsync("bob", "c", 2, CreatedAt, CancellationToken.None));
        Assert.Equal(UserRoomAddition.AlreadyListed, await list.AddUserRoomAsync("bob", "b", 2, CreatedAt, CancellationToken.None));
        Assert.Equal(UserRoomAddition.Added, await list.AddUserRoomAsync("carol", "c", 2, CreatedAt, CancellationToken.None));

        Assert.True(await list.RemoveUserRoomAsync("bob", "a", CancellationToken.None));
        Assert.False(await list.RemoveUserRoomAsync("bob", "a", CancellationToken.None));
        Assert.Equal(["b"], (await list.GetUserRoomsAsync("bob", null, 10, 1000, CancellationToken.None)).Select(r => r.Room));
    }

    [Fact]
    public async Task AUsersRoomsComeMostRecentlyActiveFirstWithTheirKindTopicMarkerAndUnreadCount()
    {
        await using var opened = await OpenAsync();
        var list = (IUserRoomStore)opened.Rooms;
        await opened.Rooms.CreateRoomAsync(new NewRoom("pub", RoomKinds.Public, "cats", "alice", "Alice", CreatedAt), false, CancellationToken.None);
        await opened.Messages.AppendAsync(new WriteBatch([new("old", "alice", "Alice", "one"), new("old", "bob", "Bob", "mine")], [], CreatedAt.AddMinutes(1)), null, CancellationToken.None);
        await opened.Messages.AppendAsync(new WriteBatch([new("pub", "alice", "Alice", "x"), new("pub", "alice", "Alice", "y"), new("pub", "alice", "Alice", "z")], [], CreatedAt.AddMinutes(2)), null, CancellationToken.None);
        await ((IReadMarkerStore)opened.Rooms).MoveRoomMarkerAsync("bob", "pub", 1, CancellationToken.None);
        foreach (var room in new[] { "empty", "old", "pub" })
        {
            await list.AddUserRoomAsync("bob", room, 10, CreatedAt, CancellationToken.None);
        }

        var rooms = await list.GetUserRoomsAsync("bob", null, 10, 1, CancellationToken.None);

        Assert.Equal(
            [
                new UserRoomRow("pub", RoomKinds.Public, "cats", 3, CreatedAt.AddMinutes(2), 1, 1, 0),
                new UserRoomRow("old", RoomKinds.Open, null, 2, CreatedAt.AddMinutes(1), 0, 1, 0),
                new UserRoomRow("empty", RoomKinds.Open, null, 0, null, 0, 0, 0),
            ],
            rooms);
        Assert.Equal(["old"], (await list.GetUserRoomsAsync("bob", "old", 10, 1000, CancellationToken.None)).Select(r => r.Room));
        Assert.Equal(["pub"], (await list.GetUserRoomsAsync("bob", null, 1, 1000, CancellationToken.None)).Select(r => r.Room));
    }

    [Fact]
    public async Task MentionsAreStoredLowercasedAndCountedOverOthersMessagesAfterTheMarker()
    {
        await using var opened = await OpenAsync();
        var list = (IUserRoomStore)opened.Rooms;
        await opened.Messages.AppendAsync(
            new WriteBatch([new("a", "alice", "Alice", "read @bob"), new("a", "alice", "Alice", "hi @BOB! and @carol."), new("a", "bob", "Bob", "me @bob"), new("a", "alice", "Alice", "no one"), new("a", "alice", "Alice", "é @bobby \0 end")], [], CreatedAt),
            null,
            CancellationToken.None);
        await opened.Messages.AppendAsync(new WriteBatch([new("b", "alice", "Alice", "@bob_x"), new("b", "alice", "Alice", "@bob")], [], CreatedAt), null, CancellationToken.None);
        await ((IReadMarkerStore)opened.Rooms).MoveRoomMarkerAsync("bob", "a", 1, CancellationToken.None);
        await list.AddUserRoomAsync("bob", "a", 10, CreatedAt, CancellationToken.None);
        await list.AddUserRoomAsync("bob", "b", 10, CreatedAt, CancellationToken.None);

        var stored = await opened.Messages.GetByIdsAsync("a", [2, 3, 4, 5], CancellationToken.None);
        Assert.Equal(["bob carol", "bob", "(none)", "bobby"], stored.Select(m => m.Mentions is { } mentions ? string.Join(' ', mentions) : "(none)"));
        Assert.Equal(
            [("a", 1), ("b", 1)],
            (await list.GetUserRoomsAsync("bob", null, 10, 1000, CancellationToken.None)).Select(r => (r.Room, r.MentionCount)).Order());
        Assert.Equal(1, (await ((IReadMarkerStore)opened.Rooms).GetRoomReadStateAsync("bob", "a", 1000, CancellationToken.None)).MentionCount);
        Assert.Equal(0, (await ((IReadMarkerStore)opened.Rooms).GetRoomReadStateAsync("bob_x", "a", 1000, CancellationToken.None)).MentionCount);
        Assert.Equal(1, (await ((IReadMarkerStore)opened.Rooms).GetRoomReadStateAsync("bob_x", "b", 1000, CancellationToken.None)).MentionCount);
    }

    [Fact]
    public async Task ADatabaseFromBeforeUsersRoomListsIsUpgradedItsBansGainWhenAndEachUsersListIsFilledFromMembershipsAndReadMarkers()
    {
        await using (var before = await OpenAsync())
        {
            await before.Messages.AppendAsync(new WriteBatch([new("lobby", "alice", "Alice", "kept")], [], CreatedAt), null, CancellationToken.None);
            await before.Rooms.CreateRoomAsync(new NewRoom("club", RoomKinds.Private, null, "alice", "Alice", CreatedAt), false, CancellationToken.None);
            await before.Rooms.AddMemberAsync("club", "bob", "Bob", CancellationToken.None);
            await before.Rooms.SetSanctionAsync("club", "dave", SanctionKind.Ban, null, "alice", CreatedAt, CancellationToken.None);
            var markers = (IReadMarkerStore)before.Rooms;
            await markers.MoveRoomMarkerAsync("carol", "lobby", 1, CancellationToken.None);
            await markers.MoveRoomMarkerAsync("dave", "lobby", 1, CancellationToken.None);
        }

        // The schema as the build before this one left it: no user_rooms, sanctions without who and when.
        await DowngradeToBeforeUserRoomListsAsync();
        var upgradedFrom = DateTime.UtcNow.AddSeconds(-1);
        await using var after = await OpenAsync();
        var list = (IUserRoomStore)after.Rooms;

        Assert.Equal("kept", Assert.Single(await after.Messages.GetLatestAsync("lobby", 10, CancellationToken.None)).Text);
        Assert.Equal(["club"], (await list.GetUserRoomsAsync("alice", null, 10, 1000, CancellationToken.None)).Select(r => r.Room));
        Assert.Equal(["club"], (await list.GetUserRoomsAsync("bob", null, 10, 1000, CancellationToken.None)).Select(r => r.Room));
        Assert.Equal([("lobby", 1L)], (await list.GetUserRoomsAsync("carol", null, 10, 1000, CancellationToken.None)).Select(r => (r.Room, r.LastReadId)));
        // Dave is banned from the club, not from the lobby, whose marker he moved.
        Assert.Equal(["lobby"], (await list.GetUserRoomsAsync("dave", null, 10, 1000, CancellationToken.None)).Select(r => r.Room));
        var ban = Assert.Single((await after.Rooms.GetRoomAsync("club", CancellationToken.None)).Sanctions);
        Assert.Equal(("dave", SanctionKind.Ban, (string?)null), (ban.UserId, ban.Kind, ban.ByUserId));
        Assert.InRange(ban.At, upgradedFrom, DateTime.UtcNow.AddSeconds(1));
        Assert.Equal(UserRoomAddition.Added, await list.AddUserRoomAsync("erin", "lobby", 10, CreatedAt, CancellationToken.None));
    }

    /// <summary>Takes this test's database back to the schema before users' room lists (user_rooms, a sanction's who and when).</summary>
    private protected abstract Task DowngradeToBeforeUserRoomListsAsync();

    /// <summary>A store on this test's database, initialized.</summary>
    private protected abstract Task<OpenRoomStore> OpenAsync();

    /// <summary>A store and whatever must be disposed with it.</summary>
    private protected sealed class OpenRoomStore(IRoomStore rooms, IMessageStore messages, params IAsyncDisposable[] owned) : IAsyncDisposable
    {
        public IRoomStore Rooms { get; } = rooms;

        public IMessageStore Messages { get; } = messages;

        public async ValueTask DisposeAsync()
        {
            foreach (var item in owned)
            {
                await item.DisposeAsync();
            }
        }
    }
}
