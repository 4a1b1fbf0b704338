using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using HubApp.Contracts;
using HubApp.Testing;
using HubApp.Tests.Telemetry;

namespace HubApp.Tests.ScaleOut;

/// <summary>
/// On the Redis engine a node hears a room only while it holds it: what reaches a node's subscriber, counted by Redis
/// (<c>PUBSUB SHARDNUMSUB</c>, <c>PUBSUB NUMSUB</c>) and by the node (every entry it receives from another node is one
/// sample of <c>hubapp_backplane_lag_seconds</c>).
/// </summary>
[Collection(PostgresCluster.Name)]
public sealed class RedisRoomChannelTests
{
    private const string LagCount = "hubapp_backplane_lag_seconds_count";

    [Fact]
    public async Task ANodeReceivesARoomsEntriesOnlyWhileItHasMembersOfTheRoom()
    {
        // A short sweep, so that the room is let go soon after its last member here leaves.
        await using var cluster = await ScaleOutCluster.StartAsync(Engine.Redis, nodes: 2, settings: new Dictionary<string, string>
        {
            ["Backplane__RoomSweepInterval"] = "00:00:01",
        });
        var (a, b) = (cluster.Nodes[0], cluster.Nodes[1]);
        var redis = cluster.Redis!;
        await using var alice = await a.ConnectAsync("alice");
        await using var bob = await b.ConnectAsync("bob");
        var bobMessages = new Inbox<ChatMessage>();
        bob.MessageReceived += bobMessages.Add;
        using var httpB = new HttpClient { BaseAddress = b.BaseAddress, Timeout = TestTimeouts.Default };

        // Node b has no member of 'quiet': only node a subscribes to its channel, and b receives none of its entries.
        await alice.JoinRoomAsync("quiet").DefaultTimeout();
        await alice.JoinRoomAsync("both").DefaultTimeout();
        await bob.JoinRoomAsync("both").DefaultTimeout();
        Assert.Equal(1, await ShardSubscribersAsync(redis, RoomChannel("quiet")));
        Assert.Equal(2, await ShardSubscribersAsync(redis, RoomChannel("both")));
        await SendAsync(alice, "quiet", 3);
        // Redis keeps one publisher's order: had b heard 'quiet', those arrived before this.
        var marker = await alice.SendMessageAsync("both", "marker 1").DefaultTimeout();
        Assert.Equal(marker, await bobMessages.NextAsync());
        await AssertReceivedAsync(httpB, 1, cluster);

        // Once bob joins, b hears the room.
        await bob.JoinRoomAsync("quiet").DefaultTimeout();
        Assert.Equal(2, await ShardSubscribersAsync(redis, RoomChannel("quiet")));
        var heard = await alice.SendMessageAsync("quiet", "heard").DefaultTimeout();
        Assert.Equal(heard, await bobMessages.NextAsync());
        await AssertReceivedAsync(httpB, 2, cluster);

        // After bob leaves, the sweep lets the room go and b unsubscribes: it hears nothing of it again.
        await bob.LeaveRoomAsync("quiet").DefaultTimeout();
        await WaitForShardSubscribersAsync(redis, RoomChannel("quiet"), 1);
        await SendAsync(alice, "quiet", 3);
        marker = await alice.SendMessageAsync("both", "marker 2").DefaultTimeout();
        Assert.Equal(marker, await bobMessages.NextAsync());
        await AssertReceivedAsync(httpB, 3, cluster);
        Assert.DoesNotContain(bobMessages.All, m => m.Room == "quiet" && m.Id != heard.Id);
    }

    [Fact]
    public async Task OnlyTheNodesHoldingAUserSubscribeToItsDirectMessages()
    {
        await using var cluster = await ScaleOutCluster.StartAsync(Engine.Redis, nodes: 3);
        var (a, b) = (cluster.Nodes[0], cluster.Nodes[1]);
        await using var alice = await a.ConnectAsync("alice");
        await using var bob = await b.ConnectAsync("bob");
        var bobDirect = new Inbox<DirectMessage>();
        bob.DirectMessageReceived += bobDirect.Add;

        var direct = await alice.SendDirectMessageAsync("bob", "psst").DefaultTimeout();
        Assert.Equal(direct, await bobDirect.NextAsync());

        // A direct message is published on each of its users' sharded channels: the third node holds neither user and
        // is subscribed to neither, so it never receives the message.
        Assert.Equal(1, await ShardSubscribersAsync(cluster.Redis!, UserChannel("alice")));
        Assert.Equal(1, await ShardSubscribersAsync(cluster.Redis!, UserChannel("bob")));

        // Once bob's last connection on b is gone, b lets his channel go.
        await bob.DisposeAsync();
        await WaitForShardSubscribersAsync(cluster.Redis!, UserChannel("bob"), 0);
    }

    private static string UserChannel(string userId) => $"hubapp:user:{userId}";

    private static async Task SendAsync(HubApp.Client.ChatClient client, string room, int count)
    {
        for (var i = 0; i < count; i++)
        {
            await client.SendMessageAsync(room, $"{room} {i}").DefaultTimeout();
        }
    }

    // Every entry node b receives from another node is one lag sample; the count is exact once reached.
    private static async Task AssertReceivedAsync(HttpClient node, int entries, ScaleOutCluster cluster)
    {
        var scrape = await MetricsScrape.WaitForAsync(node, s => s.Value(LagCount) >= entries);
        Assert.True(scrape.Value(LagCount) == entries, $"node b received {scrape.Value(LagCount)} entries, not {entries}:\n{scrape.HubAppLines()}\n{cluster.Logs()}");
    }

    private static Task<long> ShardSubscribersAsync(TestRedis redis, string channel) => CountAsync(redis, "SHARDNUMSUB", channel);

    private static string RoomChannel(string room) => $"hubapp:room:{room}";

    private static async Task WaitForShardSubscribersAsync(TestRedis redis, string channel, long expected)
    {
        var deadline = DateTime.UtcNow + TestTimeouts.Slow;
        long count;
        while ((count = await ShardSubscribersAsync(redis, channel)) != expected)
        {
            Assert.True(DateTime.UtcNow < deadline, $"{count} nodes still subscribe to '{channel}', not {expected}");
            await Task.Delay(200);
        }
    }

    // PUBSUB NUMSUB/SHARDNUMSUB of one channel, in RESP over a fresh connection: the reply is [channel, count].
    private static async Task<long> CountAsync(TestRedis redis, string subcommand, string channel)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, redis.Port)).DefaultTimeout();
        string[] command = ["PUBSUB", subcommand, channel];
        var request = new StringBuilder().Append(CultureInfo.InvariantCulture, $"*{command.Length}\r\n");
        foreach (var part in command)
        {
            request.Append(CultureInfo.InvariantCulture, $"${Encoding.UTF8.GetByteCount(part)}\r\n{part}\r\n");
        }

        await socket.SendAsync(Encoding.UTF8.GetBytes(request.ToString()), SocketFlags.None).DefaultTimeout();
        var reply = new StringBuilder();
        var buffer = new byte[512];
        // Bounded: the reply is a few dozen bytes, complete once its count line has arrived.
        for (var reads = 0; reads < 100 && !IsComplete(reply.ToString()); reads++)
        {
            var read = await socket.ReceiveAsync(buffer, SocketFlags.None).DefaultTimeout();
            Assert.True(read > 0, $"Redis closed the connection after '{reply}'");
            reply.Append(Encoding.UTF8.GetString(buffer, 0, read));
        }

        static bool IsComplete(string reply) => reply.EndsWith("\r\n", StringComparison.Ordinal) && reply.Contains("\n:", StringComparison.Ordinal);

        var lines = reply.ToString().Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines is ["*2", _, _, [':', ..]], $"unexpected reply to PUBSUB {subcommand}: {reply}");
        return long.Parse(lines[^1].AsSpan(1), CultureInfo.InvariantCulture);
    }
}
