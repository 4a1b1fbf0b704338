using HubApp.Contracts;
using HubApp.Testing;

namespace HubApp.Tests.ScaleOut;

public sealed partial class MultiNodeTests
{
    // Reaction entries take the room's ids from the shared store and travel the room log's path; a conversation's edit,
    // delete and reaction entries travel as direct messages do. On the other node they arrive in order, and every read
    // there shows the targets as they are now.
    [Theory]
    [InlineData(Engine.Postgres)]
    [InlineData(Engine.Redis)]
    public async Task ReactionsAndAConversationsEntriesMadeOnOneNodeReachTheOtherAndItsReads(Engine engine)
    {
        await using var cluster = await ScaleOutCluster.StartAsync(engine, nodes: 2);
        var (a, b) = (cluster.Nodes[0], cluster.Nodes[1]);
        await using var alice = await RawChatConnection.ConnectAsync(a.BaseAddress, "alice");
        await using var bob = await RawChatConnection.ConnectAsync(b.BaseAddress, "bob", messagePack: true);
        await alice.JoinAsync("general");
        await bob.JoinAsync("general");

        var target = await alice.SendAsync("general", "react here");
        var react = await alice.InvokeAsync<ChatMessage>(HubMethods.React, "general", target.Id, "👍", true);
        var reply = await bob.SendAsync("general", "done");
        var received = await bob.Messages.WaitForCountAsync(3);

        Assert.Equal(
            [(target.Id, MessageKinds.Message, "react here"), (target.Id + 1, MessageKinds.React, "👍"), (reply.Id, MessageKinds.Message, "done")],
            received.Select(m => (m.Id, m.Kind, m.Text)));
        Assert.Equal(target.Id + 2, reply.Id);
        Assert.Equal("alice", Assert.Single(Assert.Single(react.Reactions!).UserIds));
        var caughtUp = await bob.JoinAsync("general", 0);
        Assert.Equal("alice", Assert.Single(Assert.Single(caughtUp.Messages[0].Reactions!).UserIds));

        var direct = await alice.SendDirectAsync("bob", "helo");
        var edit = await alice.InvokeAsync<DirectMessage>(HubMethods.EditDirectMessage, direct.Id, "hello");
        var reacted = await bob.InvokeAsync<DirectMessage>(HubMethods.ReactDirect, "alice", direct.Id, "👋", true);
        var delete = await alice.InvokeAsync<DirectMessage>(HubMethods.DeleteDirectMessage, direct.Id);

        Assert.Equal("hello", reacted.Text);
        foreach (var inbox in new[] { alice.Direct, bob.Direct })
        {
            Assert.Equal(
                [(direct.Id, MessageKinds.Message), (edit.Id, MessageKinds.Edit), (edit.Id + 1, MessageKinds.React), (delete.Id, MessageKinds.Delete)],
                (await inbox.WaitForCountAsync(4)).Select(m => (m.Id, m.Kind)));
        }

        var history = await bob.DirectHistoryAsync("alice", null, 10);
        Assert.Equal(("", true, (IReadOnlyList<Reaction>?)null), (history[0].Text, history[0].DeletedAt is not null, history[0].Reactions));
        Assert.Equal([direct.Id, edit.Id, edit.Id + 1, delete.Id], (await bob.SyncAsync(0)).Messages.Select(m => m.Id));
        Assert.All(cluster.Nodes, n => Assert.True(n.Problems("fail").Count == 0 && n.Problems("crit").Count == 0, cluster.Logs()));
    }
}
