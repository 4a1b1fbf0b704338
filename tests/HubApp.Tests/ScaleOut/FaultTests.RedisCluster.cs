using HubApp.Testing;

namespace HubApp.Tests.ScaleOut;

public sealed partial class FaultTests
{
    [Fact]
    public async Task ARedisClusterMasterKilledMidBurstFailsOverAndNothingAcknowledgedIsLostOrDoubled()
    {
        await using var cluster = await ScaleOutCluster.StartAsync(Engine.RedisCluster, nodes: 2);
        var redis = cluster.RedisCluster!;
        await using var members = await OnePerNode.JoinAsync(cluster);
        var victim = 0;
        var acked = await LoadAroundAsync(members.Clients, async load =>
        {
            victim = await MasterOfRoomChannelAsync(redis);
            await redis.KillAsync(victim);
            var atKill = load.AckedCount;
            var promoted = await redis.WaitForFailoverAsync(victim);
            Assert.NotEqual(victim, promoted.Port);
            // The store, not Redis, acknowledges a send: the failover only delays delivery to the other node.
            Assert.True(load.AckedCount > atKill, $"no send was acknowledged during the failover.{Environment.NewLine}{cluster.Logs()}");
        });

        foreach (var node in cluster.Nodes)
        {
            // Healthy again without the killed master coming back: its replica serves its slots.
            await node.WaitUntilHealthyAsync(TestTimeouts.Slow);
            Assert.Contains(node.Problems("warn"), l => l.Contains("Lost Redis", StringComparison.Ordinal));
        }

        await members.AssertEachGotAllOnceInOrderAsync(acked, cluster);
        Assert.True(members.Reconnects.Count == 0, $"clients reconnected: {string.Join("; ", members.Reconnects)}");
        // SignalR's Redis manager and the health checks log the outage as errors; HubApp's own code logs none.
        Assert.All(cluster.Nodes, n => Assert.True(
            !n.UnexpectedErrors().Any(l => l.StartsWith("fail: HubApp.", StringComparison.Ordinal) || l.StartsWith("crit: HubApp.", StringComparison.Ordinal)), cluster.Logs()));
    }

    // The master the nodes hear the room's entries from: one with a subscribed channel named after the room (a channel
    // per room), else the one with the room-log channel, else the one whose hash slot that channel's name falls in.
    private static async Task<int> MasterOfRoomChannelAsync(TestRedisCluster redis)
    {
        var masters = (await redis.NodesAsync()).Where(n => n.IsMaster && !n.IsFailed).ToArray();
        var channels = await Task.WhenAll(masters.Select(m => redis.SubscribedChannelsAsync(m.Port)));
        foreach (var match in new Func<string, bool>[] { c => c.EndsWith(":" + Room, StringComparison.Ordinal) || c.Contains("{" + Room + "}", StringComparison.Ordinal), c => c == "hubapp:log" })
        {
            if (Array.FindIndex(channels, c => c.Any(match)) is var index and >= 0)
            {
                return masters[index].Port;
            }
        }

        return await redis.MasterOfAsync("hubapp:log");
    }
}
