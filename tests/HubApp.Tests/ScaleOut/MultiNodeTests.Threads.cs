using HubApp.Contracts;
using HubApp.Testing;

namespace HubApp.Tests.ScaleOut;

public sealed partial class MultiNodeTests
{
    [Theory]
    [InlineData(Engine.Postgres)]
    [InlineData(Engine.Redis)]
    public async Task AMentionOnOneNodeReachesTheMentionedUsersConnectionsOnEveryNodeAndAThreadReplyTheOtherNodesRoom(Engine engine)
    {
        await using var cluster = await ScaleOutCluster.StartAsync(engine, nodes: 2);
        var (a, b) = (cluster.Nodes[0], cluster.Nodes[1]);
        await using var alice = await RawChatConnection.ConnectAsync(a.BaseAddress, "alice");
        await using var bobHere = await RawChatConnection.ConnectAsync(a.BaseAddress, "bob");
        await using var bobThere = await RawChatConnection.ConnectAsync(b.BaseAddress, "bob", messagePack: true);
        await using var carolThere = await RawChatConnection.ConnectAsync(b.BaseAddress, "carol");
        // A round trip each: a connection is in the presence directory (and subscribed to its channel) once the hub answered it.
        await bobHere.InvokeAsync<string>(HubMethods.Ping);
        await bobThere.InvokeAsync<string>(HubMethods.Ping);
        await carolThere.JoinAsync("lobby");
        await alice.JoinAsync("lobby");

        var root = await alice.SendAsync("lobby", "a plan for @bob");
        var onA = await bobHere.Mentions.NextAsync();
        var onB = await bobThere.Mentions.NextAsync();
        var reply = await alice.PostAsync("lobby", new Draft("and a detail", ThreadId: root.Id));
        var carolSaw = await carolThere.Messages.WaitForCountAsync(2);
        var rootOnB = Assert.Single(await carolThere.MessagesAsync("lobby", root.Id));

        Assert.Equal((root.Id, root.Id), (onA.Id, onB.Id));
        Assert.Equal(["bob"], onB.Mentions!);
        Assert.Equal([root.Id, reply.Id], carolSaw.Select(m => m.Id));
        Assert.Equal((long?)root.Id, carolSaw[1].ThreadId);
        Assert.Equal((1, "alice"), (rootOnB.Thread!.ReplyCount, string.Join(' ', rootOnB.Thread.ParticipantIds)));
        Assert.Empty(carolThere.Mentions.All);
        Assert.All(cluster.Nodes, n => Assert.True(n.Problems("fail").Count == 0 && n.Problems("crit").Count == 0, cluster.Logs()));
    }
}
