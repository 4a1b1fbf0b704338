using HubApp.Contracts;
using HubApp.Presence;

namespace HubApp.Tests.Presence;

public sealed class PresenceTrackerTests
{
    [Fact]
    public void AUserIsPresentFromTheirFirstConnectionsJoinUntilTheirLastLeaves()
    {
        var presence = new PresenceTracker();
        presence.TryConnect("c1", "alice", "Alice", maxPerUser: 5);
        presence.TryConnect("c2", "alice", "Alice", maxPerUser: 5);

        Assert.Equal(JoinResult.BecamePresent, presence.Join("c1", "room", maxRooms: 5));
        Assert.Equal(JoinResult.Joined, presence.Join("c2", "room", maxRooms: 5));
        Assert.Equal(JoinResult.AlreadyJoined, presence.Join("c2", "room", maxRooms: 5));
        Assert.False(presence.Leave("c1", "room"));
        Assert.Equal([new Member("alice", "Alice")], presence.Members("room"));
        Assert.True(presence.Leave("c2", "room"));
        Assert.Empty(presence.Members("room"));
        Assert.Empty(presence.Counts().Rooms);
    }

    [Fact]
    public void DisconnectReportsOnlyTheRoomsTheUserNoLongerHas()
    {
        var presence = new PresenceTracker();
        presence.TryConnect("c1", "alice", "Alice", 5);
        presence.TryConnect("c2", "alice", "Alice", 5);
        presence.Join("c1", "a", 5);
        presence.Join("c1", "b", 5);
        presence.Join("c2", "b", 5);

        Assert.Equal(["a"], presence.Disconnect("c1"));
        Assert.False(presence.IsInRoom("c1", "b"));
        Assert.True(presence.IsInRoom("c2", "b"));
        Assert.Empty(presence.Disconnect("c1"));
        Assert.Equal(new PresenceCounts(1, 1, new Dictionary<string, int> { ["b"] = 1 }).Rooms, presence.Counts().Rooms);
    }

    [Fact]
    public void ConnectionsAndRoomsAreBoundedPerUserAndPerConnection()
    {
        var presence = new PresenceTracker();
        Assert.True(presence.TryConnect("c1", "alice", "Alice", 2));
        Assert.True(presence.TryConnect("c2", "alice", "Alice", 2));
        Assert.False(presence.TryConnect("c3", "alice", "Alice", 2));
        presence.Disconnect("c2");
        Assert.True(presence.TryConnect("c3", "alice", "Alice", 2));

        presence.Join("c1", "a", 1);
        Assert.Equal(JoinResult.TooManyRooms, presence.Join("c1", "b", 1));
        Assert.False(presence.IsInRoom("c1", "b"));
    }

    [Fact]
    public void AUsersConnectionsAreTheOnesOpenNowAndNoOneElses()
    {
        var presence = new PresenceTracker();
        presence.TryConnect("c1", "alice", "Alice", 5);
        presence.TryConnect("c2", "bob", "Bob", 5);
        presence.TryConnect("c3", "alice", "Alice", 5);
        presence.TryConnect("c4", "alice", "Alice", 5);
        Assert.False(presence.TryConnect("c5", "alice", "Alice", 3));

        Assert.Equal(["c1", "c3", "c4"], presence.ConnectionIdsOf("alice"));
        Assert.Equal(["c2"], presence.ConnectionIdsOf("bob"));
        presence.Disconnect("c3");
        Assert.Equal(["c1", "c4"], presence.ConnectionIdsOf("alice"));
        Assert.Equal(2, presence.ConnectionsOf("alice"));
        presence.Disconnect("c1");
        presence.Disconnect("c4");
        Assert.Empty(presence.ConnectionIdsOf("alice"));
        Assert.Equal(0, presence.ConnectionsOf("alice"));
        Assert.Equal(1, presence.Counts().Users);
        Assert.Empty(presence.ConnectionIdsOf("carol"));
    }
}
