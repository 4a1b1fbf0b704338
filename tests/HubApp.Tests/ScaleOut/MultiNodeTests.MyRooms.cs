using HubApp.Contracts;
using HubApp.Testing;

namespace HubApp.Tests.ScaleOut;

public sealed partial class MultiNodeTests
{
    [Theory]
    [InlineData(Engine.Postgres)]
    [InlineData(Engine.Redis)]
    public async Task AJoinAndALeaveForGoodOnOneNodeReachTheUsersConnectionOnTheOtherAsRoomAddedAndRoomRemoved(Engine engine)
    {
        await using var cluster = await ScaleOutCluster.StartAsync(engine, nodes: 2);
        var (a, b) = (cluster.Nodes[0], cluster.Nodes[1]);
        await using var phone = await a.ConnectAsync("bob");
        await using var laptop = await b.ConnectAsync("bob");
        var added = new Inbox<MyRoom>();
        var removed = new Inbox<string>();
        laptop.RoomAdded += added.Add;
        laptop.RoomRemoved += removed.Add;
        // A round trip: the hub answers only once the connection is set up (in the presence directory, subscribed to its
        // backplane channel). Its client may finish connecting before that; a change made meanwhile is read, not told.
        Assert.Empty(await laptop.GetMyRoomsAsync().DefaultTimeout());

        await phone.JoinRoomAsync("lobby").DefaultTimeout();
        var addedRoom = await added.NextAsync();
        var listedOnB = await laptop.GetMyRoomsAsync().DefaultTimeout();
        await phone.LeaveRoomForGoodAsync("lobby").DefaultTimeout();
        var removedRoom = await removed.NextAsync();

        Assert.Equal(new MyRoom("lobby", RoomKinds.Open, null, 0, null, 0, 0, 0), addedRoom);
        Assert.Equal([addedRoom], listedOnB);
        Assert.Equal("lobby", removedRoom);
        Assert.Empty(await laptop.GetMyRoomsAsync().DefaultTimeout());
        Assert.All(cluster.Nodes, n => Assert.True(n.Problems("fail").Count == 0 && n.Problems("crit").Count == 0, cluster.Logs()));
    }

    [Theory]
    [InlineData(Engine.Postgres)]
    [InlineData(Engine.Redis)]
    public async Task AJoinOnANodeThatSawTheRoomListedListsItAgainAfterALeaveForGoodOnTheOtherNodeWithTheMarkerMovedThere(Engine engine)
    {
        await using var cluster = await ScaleOutCluster.StartAsync(engine, nodes: 2);
        var (a, b) = (cluster.Nodes[0], cluster.Nodes[1]);
        // Alice stays in the room on node A, so that A keeps its copy of the room (and what it saw listed) throughout.
        await using var alice = await a.ConnectAsync("alice");
        await using var phone = await a.ConnectAsync("bob");
        await using var laptop = await b.ConnectAsync("bob");
        await alice.JoinRoomAsync("lobby").DefaultTimeout();
        await phone.JoinRoomAsync("lobby").DefaultTimeout();
        await laptop.JoinRoomAsync("lobby").DefaultTimeout();
        var removedOnA = new Inbox<RoomRemoval>();
        phone.RemovedFromRoom += removedOnA.Add;
        var sent = new List<ChatMessage>();
        foreach (var text in new[] { "one", "two", "three" })
        {
            sent.Add(await alice.SendMessageAsync("lobby", text).DefaultTimeout());
        }

        await laptop.MarkReadAsync("lobby", sent[1].Id).DefaultTimeout();
        await laptop.LeaveRoomForGoodAsync("lobby").DefaultTimeout();
        // Node A applied the change (it drops its copy of the room before it tells its connections they are out).
        Assert.Equal(RemovalReasons.Left, (await removedOnA.NextAsync()).Reason);
        Assert.Empty(await phone.GetMyRoomsAsync().DefaultTimeout());
        await using var tablet = await a.ConnectAsync("bob");
        var snapshot = await tablet.JoinRoomAsync("lobby").DefaultTimeout();

        Assert.Equal((sent[1].Id, 1, sent[2].Id), (snapshot.LastReadId, snapshot.UnreadCount, snapshot.Messages[^1].Id));
        Assert.Equal(["lobby"], (await laptop.GetMyRoomsAsync().DefaultTimeout()).Select(r => r.Room));
        Assert.All(cluster.Nodes, n => Assert.True(n.Problems("fail").Count == 0 && n.Problems("crit").Count == 0, cluster.Logs()));
    }
}
