using HubApp.Contracts;
using HubApp.Testing;

namespace HubApp.Tests.ScaleOut;

public sealed partial class MultiNodeTests
{
    [Fact]
    public async Task OnARedisClusterRoomMessagesPresenceAndDirectMessagesCrossNodesInOrderExactlyOnce()
    {
        const int Each = 25;
        await using var cluster = await ScaleOutCluster.StartAsync(Engine.RedisCluster, nodes: 2);
        var (a, b) = (cluster.Nodes[0], cluster.Nodes[1]);
        await using var alice = await a.ConnectAsync("alice");
        await using var bob = await b.ConnectAsync("bob");
        var (aliceMessages, bobMessages) = (new Inbox<ChatMessage>(), new Inbox<ChatMessage>());
        var (aliceJoined, aliceLeft) = (new Inbox<PresenceEvent>(), new Inbox<PresenceEvent>());
        var (aliceDirect, bobDirect) = (new Inbox<DirectMessage>(), new Inbox<DirectMessage>());
        alice.MessageReceived += aliceMessages.Add;
        bob.MessageReceived += bobMessages.Add;
        alice.UserJoined += aliceJoined.Add;
        alice.UserLeft += aliceLeft.Add;
        alice.DirectMessageReceived += aliceDirect.Add;
        bob.DirectMessageReceived += bobDirect.Add;

        await alice.JoinRoomAsync("general").DefaultTimeout();
        await bob.JoinRoomAsync("general").DefaultTimeout();
        Assert.Equal("bob", (await aliceJoined.NextAsync()).UserId);

        // Both nodes send at once, each client waiting for its acknowledgement before its next; then one more, after
        // all of them in id order, so that once it has arrived everything before it has too.
        var sent = await Task.WhenAll(new[] { alice, bob }.Select((client, c) => SendEachAsync(Each, i => client.SendMessageAsync("general", $"{c}-{i}")))).DefaultTimeout(TestTimeouts.Slow);
        var last = await bob.SendMessageAsync("general", "last").DefaultTimeout();
        var expected = sent.SelectMany(s => s).Append(last).OrderBy(m => m.Id).ToArray();
        Assert.Equal(Enumerable.Range(1, (2 * Each) + 1).Select(i => (long)i), expected.Select(m => m.Id));
        foreach (var inbox in new[] { aliceMessages, bobMessages })
        {
            await inbox.NextAsync(m => m.Id == last.Id, TestTimeouts.Slow);
            Assert.Equal(expected, inbox.All);
        }

        var directs = await Task.WhenAll(
            SendEachAsync(Each, i => alice.SendDirectMessageAsync("bob", $"to bob {i}")),
            SendEachAsync(Each, i => bob.SendDirectMessageAsync("alice", $"to alice {i}"))).DefaultTimeout(TestTimeouts.Slow);
        foreach (var inbox in new[] { aliceDirect, bobDirect })
        {
            // Each user gets the other's and, as every connection of the sender does, its own: each sender's in the order sent.
            var received = await inbox.WaitForCountAsync(2 * Each, TestTimeouts.Slow);
            Assert.Equal(directs[0], received.Where(m => m.FromUserId == "alice"));
            Assert.Equal(directs[1], received.Where(m => m.FromUserId == "bob"));
        }

        await bob.LeaveRoomAsync("general").DefaultTimeout();
        Assert.Equal("bob", (await aliceLeft.NextAsync()).UserId);

        // The nodes' subscriptions (SignalR's channels and the room log's) are spread over the cluster's masters by hash slot.
        var masters = (await cluster.RedisCluster!.NodesAsync()).Where(n => n.IsMaster).ToArray();
        var subscribed = await Task.WhenAll(masters.Select(m => cluster.RedisCluster.SubscribedChannelsAsync(m.Port)));
        Assert.True(subscribed.Count(channels => channels.Count > 0) >= 2, "subscriptions per master: " + string.Join("; ", subscribed.Select(c => string.Join(",", c))));
        Assert.All(cluster.Nodes, n => Assert.True(n.UnexpectedErrors().Count == 0, cluster.Logs()));
    }

    private static async Task<IReadOnlyList<T>> SendEachAsync<T>(int count, Func<int, Task<T>> send)
    {
        var acknowledged = new List<T>();
        for (var i = 0; i < count; i++)
        {
            acknowledged.Add(await send(i).DefaultTimeout());
        }

        return acknowledged;
    }
}
