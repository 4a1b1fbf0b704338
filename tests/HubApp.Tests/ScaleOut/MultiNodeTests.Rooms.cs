using HubApp.Client;
using HubApp.Contracts;
using HubApp.Tests.Infrastructure;

namespace HubApp.Tests.ScaleOut;

public sealed partial class MultiNodeTests
{
    [Theory]
    [InlineData(Engine.Postgres)]
    [InlineData(Engine.Redis)]
    public async Task ABanOnOneNodeRemovesTheUsersConnectionOnTheOtherAndItsDecisionsFollowAtOnce(Engine engine)
    {
        await using var cluster = await ScaleOutCluster.StartAsync(engine, nodes: 2);
        var (a, b) = (cluster.Nodes[0], cluster.Nodes[1]);
        await using var owner = await a.ConnectAsync("owner");
        await using var bob = await b.ConnectAsync("bob");
        await using var carol = await b.ConnectAsync("carol");
        var removals = new Inbox<RoomRemoval>();
        var left = new Inbox<PresenceEvent>();
        bob.RemovedFromRoom += removals.Add;
        carol.UserLeft += left.Add;
        await owner.CreateRoomAsync("club", RoomKinds.Private, "members only").WaitAsync(TestTimeouts.Default);
        await owner.InviteAsync("club", "bob").WaitAsync(TestTimeouts.Default);
        await owner.InviteAsync("club", "carol").WaitAsync(TestTimeouts.Default);
        // Node b reads the room into its cache here, before the changes below are made on node a.
        await bob.JoinRoomAsync("club").WaitAsync(TestTimeouts.Default);
        await carol.JoinRoomAsync("club").WaitAsync(TestTimeouts.Default);

        await owner.MuteAsync("club", "carol").WaitAsync(TestTimeouts.Default);
        var muted = await Assert.ThrowsAsync<ChatException>(() => carol.PostMessageAsync("club", "hi", null).WaitAsync(TestTimeouts.Default));
        await owner.UnmuteAsync("club", "carol").WaitAsync(TestTimeouts.Default);
        await carol.PostMessageAsync("club", "unmuted", null).WaitAsync(TestTimeouts.Default);
        await owner.BanAsync("club", "bob").WaitAsync(TestTimeouts.Default);

        Assert.Equal(ErrorCodes.Muted, muted.Code);
        Assert.Equal(new RoomRemoval("club", RemovalReasons.Banned, "owner", null), await removals.NextAsync());
        Assert.Equal("bob", (await left.NextAsync(e => e.UserId == "bob")).UserId);
        Assert.DoesNotContain("bob", (await owner.GetRoomInfoAsync("club").WaitAsync(TestTimeouts.Default)).Members.Select(m => m.UserId));
        Assert.Equal(ErrorCodes.Forbidden, (await Assert.ThrowsAsync<ChatException>(() => bob.JoinRoomAsync("club").WaitAsync(TestTimeouts.Default))).Code);
        Assert.Equal(ErrorCodes.Forbidden, (await Assert.ThrowsAsync<ChatException>(() => bob.PostMessageAsync("club", "still?", null).WaitAsync(TestTimeouts.Default))).Code);
        Assert.All(cluster.Nodes, n => Assert.True(n.Problems("fail").Count == 0 && n.Problems("crit").Count == 0, cluster.Logs()));
    }
}
