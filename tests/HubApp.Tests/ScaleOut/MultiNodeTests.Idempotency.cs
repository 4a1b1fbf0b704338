using HubApp.Contracts;
using HubApp.Testing;

namespace HubApp.Tests.ScaleOut;

public sealed partial class MultiNodeTests
{
    // A client whose acknowledgement was lost retries wherever the load balancer sends it next: the repeat must find
    // the first entry on another node, as the store (not a node's memory) decides.
    [Theory]
    [InlineData(Engine.Postgres)]
    [InlineData(Engine.Redis)]
    public async Task ARepeatOnAnotherNodeIsAnsweredWithTheFirstEntryAndDeliveredOnce(Engine engine)
    {
        await using var cluster = await ScaleOutCluster.StartAsync(engine, nodes: 2);
        var (a, b) = (cluster.Nodes[0], cluster.Nodes[1]);
        await using var aliceOnA = await a.ConnectAsync("alice");
        await using var aliceOnB = await b.ConnectAsync("alice");
        await using var bob = await b.ConnectAsync("bob");
        var bobMessages = new Inbox<ChatMessage>();
        var bobDirect = new Inbox<DirectMessage>();
        bob.MessageReceived += bobMessages.Add;
        bob.DirectMessageReceived += bobDirect.Add;
        await bob.JoinRoomAsync("general").DefaultTimeout();
        await aliceOnA.JoinRoomAsync("general").DefaultTimeout();
        await aliceOnB.JoinRoomAsync("general").DefaultTimeout();

        var first = await aliceOnA.PostMessageAsync("general", "once", "retry-1").DefaultTimeout();
        var repeat = await aliceOnB.PostMessageAsync("general", "once", "retry-1").DefaultTimeout();
        var after = await aliceOnB.PostMessageAsync("general", "next", "retry-2").DefaultTimeout();
        var direct = await aliceOnA.PostDirectMessageAsync("bob", "psst", "dm-1").DefaultTimeout();
        var directRepeat = await aliceOnB.PostDirectMessageAsync("bob", "psst", "dm-1").DefaultTimeout();
        var directAfter = await aliceOnB.PostDirectMessageAsync("bob", "again", "dm-2").DefaultTimeout();

        Assert.Equal(first, repeat);
        Assert.Equal(first.Id + 1, after.Id);
        Assert.Equal(direct, directRepeat);
        // Delivery is in id order, so the entry after the repeat arriving second proves the repeat delivered nothing.
        Assert.Equal([first, after], [await bobMessages.NextAsync(), await bobMessages.NextAsync()]);
        Assert.Equal([direct, directAfter], [await bobDirect.NextAsync(), await bobDirect.NextAsync()]);
        Assert.Equal(["once", "next"], (await RoomHistory.ReadAllAsync(bob, "general")).Select(m => m.Text));
    }
}
