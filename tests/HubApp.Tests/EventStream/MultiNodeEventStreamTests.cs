using HubApp.Contracts;
using HubApp.Testing;
using HubApp.Tests.ScaleOut;

namespace HubApp.Tests.EventStream;

/// <summary>The event stream on several nodes (real node processes on PostgreSQL, each backplane engine) and through a Redis outage.</summary>
[Collection(PostgresCluster.Name)]
public sealed class MultiNodeEventStreamTests
{
    [Theory]
    [InlineData(Engine.Postgres)]
    [InlineData(Engine.Redis)]
    public async Task AStreamOnOneNodeFollowsTheOtherNodesPostsInOrderOnceAndEndsForAReaderBannedThere(Engine engine)
    {
        await using var cluster = await ScaleOutCluster.StartAsync(engine, nodes: 2);
        var (a, b) = (cluster.Nodes[0], cluster.Nodes[1]);
        await using var alice = await a.ConnectAsync("alice");
        await alice.CreateRoomAsync("club", RoomKinds.Public).DefaultTimeout();
        await alice.JoinRoomAsync("club").DefaultTimeout();
        var stored = await EventStreamTests.SendAsync(alice, "club", 3);

        await using var bobs = await EventStreamReader.OpenAsync(b.BaseAddress, "bob", "club", afterId: stored[0].Id);
        await using var olgas = await EventStreamReader.OpenAsync(b.BaseAddress, "olga", "club", afterId: stored[^1].Id);
        var live = await EventStreamTests.SendAsync(alice, "club", 5);

        Assert.Equal([.. stored.Skip(1), .. live], await bobs.NextMessagesAsync(7));
        Assert.Equal(live, await olgas.NextMessagesAsync(5));

        await alice.BanAsync("club", "bob").DefaultTimeout();
        var after = await alice.SendMessageAsync("club", "after the ban").DefaultTimeout();

        Assert.Null(await bobs.NextAsync());
        Assert.Equal([after], await olgas.NextMessagesAsync(1));
    }

    [Fact]
    public async Task AStreamOnTheOtherNodeMissesAndDoublesNothingThroughARedisOutage()
    {
        await using var cluster = await ScaleOutCluster.StartAsync(Engine.Redis, nodes: 2);
        var (a, b) = (cluster.Nodes[0], cluster.Nodes[1]);
        await using var alice = await a.ConnectAsync("alice");
        await alice.JoinRoomAsync("room").DefaultTimeout();
        await using var stream = await EventStreamReader.OpenAsync(b.BaseAddress, "bob", "room");
        var sent = await EventStreamTests.SendAsync(alice, "room", 5);
        Assert.Equal(sent, await stream.NextMessagesAsync(5));

        await cluster.Redis!.KillAsync();
        // The store, not Redis, acknowledges a send: these reach node B only through the store.
        var duringOutage = await EventStreamTests.SendAsync(alice, "room", 10);
        await cluster.Redis.StartAgainAsync();
        foreach (var node in cluster.Nodes)
        {
            await node.WaitUntilHealthyAsync(TestTimeouts.Slow);
        }

        var afterOutage = await EventStreamTests.SendAsync(alice, "room", 5);

        Assert.Equal([.. duringOutage, .. afterOutage], await stream.NextMessagesAsync(15, TestTimeouts.Slow));
        var barrier = await alice.SendMessageAsync("room", "barrier").DefaultTimeout();
        Assert.Equal([barrier], await stream.NextMessagesAsync(1, TestTimeouts.Slow));
    }
}
