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
            await store.SetMemberAsync("club", "bob", "Bob", RoomRoles.Moderator, CancellationToken.None);
            await store.SetMemberAsync("club", "carol", "carol", RoomRoles.Member, CancellationToken.None);
            await store.SetSanctionAsync("club", "carol", SanctionKind.Mute, CreatedAt.AddHours(1), CancellationToken.None);
            await store.SetSanctionAsync("club", "dave", SanctionKind.Ban, null, CancellationToken.None);
        }

        await using var second = await OpenAsync();
        var room = await second.Rooms.GetRoomAsync("club", CancellationToken.None);

        Assert.Equal((RoomKinds.Private, "alice", "secret things", CreatedAt), (room.Kind, room.OwnerId, room.Topic, room.CreatedAt));
        Assert.Equal([("alice", RoomRoles.Owner), ("bob", RoomRoles.Moderator), ("carol", RoomRoles.Member)], room.Members.Select(m => (m.UserId, m.Role)));
        Assert.Equal(
            [("carol", SanctionKind.Mute, (DateTime?)CreatedAt.AddHours(1)), ("dave", SanctionKind.Ban, null)],
            room.Sanctions.OrderBy(s => s.UserId, StringComparer.Ordinal).Select(s => (s.UserId, s.Kind, s.Until)));
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
    public async Task AHandOverMakesTheOldOwnerAModeratorAndABanEndsTheMembership()
    {
        await using var opened = await OpenAsync();
        var store = opened.Rooms;
        await store.CreateRoomAsync(new NewRoom("club", RoomKinds.Private, null, "alice", "Alice", CreatedAt), false, CancellationToken.None);
        await store.SetMemberAsync("club", "bob", "Bob", RoomRoles.Member, CancellationToken.None);
        await store.SetMemberAsync("club", "carol", "Carol", RoomRoles.Member, CancellationToken.None);

        Assert.True(await store.SetRoleAsync("club", "alice", "bob", "Bob", RoomRoles.Owner, CancellationToken.None));
        Assert.False(await store.SetRoleAsync("club", "alice", "carol", "Carol", RoomRoles.Owner, CancellationToken.None));
        await store.SetSanctionAsync("club", "carol", SanctionKind.Ban, null, CancellationToken.None);
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
