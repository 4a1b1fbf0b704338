using HubApp.Contracts;
using HubApp.Testing;

namespace HubApp.Tests.ScaleOut;

public sealed partial class MultiNodeTests
{
    [Theory]
    [InlineData(Engine.Postgres)]
    [InlineData(Engine.Redis)]
    public async Task AMovedReadMarkerReachesTheUsersConnectionOnTheOtherNodeAndTheReadsWorkOnPostgres(Engine engine)
    {
        await using var cluster = await ScaleOutCluster.StartAsync(engine, nodes: 2);
        var (a, b) = (cluster.Nodes[0], cluster.Nodes[1]);
        await using var phone = await RawChatConnection.ConnectAsync(a.BaseAddress, "alice", "Alice");
        await using var laptop = await RawChatConnection.ConnectAsync(b.BaseAddress, "alice", "Alice");
        await using var bob = await RawChatConnection.ConnectAsync(b.BaseAddress, "bob", "Bob");
        await bob.JoinAsync("general");
        var hello = await bob.SendAsync("general", "hello");
        var direct = await bob.SendDirectAsync("alice", "psst");

        await phone.MarkReadAsync("general", hello.Id);
        await phone.MarkDirectReadAsync("bob", direct.Id);

        Assert.Equal(new ReadMarker("general", null, hello.Id), await laptop.Markers.NextAsync());
        Assert.Equal(new ReadMarker(null, "bob", direct.Id), await laptop.Markers.NextAsync());
        Assert.Empty(phone.Markers.All);
        var snapshot = await laptop.JoinAsync("general");
        Assert.Equal((hello.Id, 0), (snapshot.LastReadId, snapshot.UnreadCount));
        Assert.Equal([direct], await phone.DirectHistoryAsync("bob", null, 50));
        Assert.Equal([direct], (await laptop.SyncAsync(0)).Messages);
        var conversation = Assert.Single(await phone.ConversationsAsync());
        Assert.Equal(("bob", "Bob", direct, direct.Id, 0), (conversation.UserId, conversation.UserName, conversation.LastMessage, conversation.LastReadId, conversation.UnreadCount));
        Assert.All(cluster.Nodes, n => Assert.True(n.Problems("fail").Count == 0 && n.Problems("crit").Count == 0, cluster.Logs()));
    }
}
