using System.Collections.Concurrent;
using System.Diagnostics;
using HubApp.Client;
using HubApp.Contracts;
using HubApp.Testing;

namespace HubApp.Tests.ScaleOut;

/// <summary>
/// Nodes that die, stop or lose PostgreSQL or Redis under load, with clients through the repository's nginx
/// recipe or straight on each node: nothing acknowledged is lost or doubled, and every client keeps a room's
/// messages in id order.
/// </summary>
[Collection(PostgresCluster.Name)]
public sealed partial class FaultTests
{
    // The room of LoadAroundAsync's and OnePerNode's clients.
    private const string Room = "room";

    [Theory]
    [InlineData(Engine.Postgres)]
    [InlineData(Engine.Redis)]
    public async Task ANodeKilledMidChatLosesNothingAcknowledgedItsClientsReconnectThroughNginx(Engine engine)
    {
        await using var cluster = await ScaleOutCluster.StartAsync(engine, nodes: 2, withNginx: true);
        await using var alice = NodeProcess.CreateClient(cluster.Nginx!.BaseAddress, "alice");
        await using var bob = NodeProcess.CreateClient(cluster.Nginx.BaseAddress, "bob");
        var (aliceInbox, bobInbox) = (Watch(alice), Watch(bob));
        await alice.StartAsync().DefaultTimeout();
        await bob.StartAsync().DefaultTimeout();
        await alice.JoinRoomAsync("room").DefaultTimeout();
        await bob.JoinRoomAsync("room").DefaultTimeout();
        var victim = await cluster.NodeOfAsync("alice");
        var survivor = cluster.Nodes.Single(n => n != victim);

        // A user on the victim that does not come back: the survivor announces that it left.
        await using var ghost = await victim.ConnectAsync("ghost", autoReconnect: false);
        await using var olga = await survivor.ConnectAsync("olga");
        var olgaInbox = Watch(olga);
        var olgaLeft = new Inbox<PresenceEvent>();
        olga.UserLeft += olgaLeft.Add;
        await olga.JoinRoomAsync("room").DefaultTimeout();
        await ghost.JoinRoomAsync("room").DefaultTimeout();

        var killedAt = new Stopwatch();
        var acked = await LoadAroundAsync([alice, bob, olga], async _ =>
        {
            await victim.KillAsync();
            killedAt.Start();
        });

        var left = await olgaLeft.NextAsync(e => e.UserId == "ghost", TestTimeouts.Slow);
        Assert.True(killedAt.Elapsed < TimeSpan.FromSeconds(15), $"UserLeft came {killedAt.Elapsed} after the kill");
        Assert.Equal("room", left.Room);
        Assert.Same(survivor, await cluster.NodeOfAsync("alice"));
        foreach (var inbox in new[] { aliceInbox, bobInbox, olgaInbox })
        {
            await AssertAllOnceInOrderAsync(inbox, acked, cluster);
        }
    }

    [Theory]
    [InlineData(Engine.Postgres)]
    [InlineData(Engine.Redis)]
    public async Task PostgresRestartedUnderLoadNodesRecoverAndNothingAcknowledgedIsLost(Engine engine)
    {
        await using var cluster = await ScaleOutCluster.StartAsync(engine, nodes: 2);
        await using var members = await OnePerNode.JoinAsync(cluster);
        var acked = await LoadAroundAsync(members.Clients, _ => RestartPostgresAsync());

        foreach (var node in cluster.Nodes)
        {
            await node.WaitUntilHealthyAsync(TestTimeouts.Slow);
            // Only the PostgreSQL engine listens on the database; Redis's backplane connection stayed up.
            if (engine == Engine.Postgres)
            {
                Assert.Contains(node.Problems("warn"), l => l.Contains("Backplane lost its PostgreSQL connection", StringComparison.Ordinal));
            }
        }

        await members.AssertEachGotAllOnceInOrderAsync(acked, cluster);
    }

    [Fact]
    public async Task ARedisOutageMidBurstLosesAndDoublesNothingForClientsOnEveryNode()
    {
        await using var cluster = await ScaleOutCluster.StartAsync(Engine.Redis, nodes: 2);
        var redis = cluster.Redis!;
        await using var members = await OnePerNode.JoinAsync(cluster);
        var acked = await LoadAroundAsync(members.Clients, async load =>
        {
            await redis.KillAsync();
            var atKill = load.AckedCount;
            await Task.Delay(TimeSpan.FromSeconds(3));
            // The store, not Redis, acknowledges a send: the outage only delays delivery to the other node.
            Assert.True(load.AckedCount >= atKill + 10, $"only {load.AckedCount - atKill} sends were acknowledged while Redis was down.{Environment.NewLine}{cluster.Logs()}");
            await redis.StartAgainAsync();
        });

        foreach (var node in cluster.Nodes)
        {
            await node.WaitUntilHealthyAsync(TestTimeouts.Slow);
        }

        await members.AssertEachGotAllOnceInOrderAsync(acked, cluster);
        Assert.True(members.Reconnects.Count == 0, $"clients reconnected: {string.Join("; ", members.Reconnects)}");
    }

    [Fact]
    public async Task ANodeStoppedWhileRedisIsDownExitsCleanlyWithinItsShutdownTimeout()
    {
        await using var cluster = await ScaleOutCluster.StartAsync(Engine.Redis, nodes: 1);
        var node = cluster.Nodes[0];
        // A member of a room, so that the node has subscriptions and a connection of its own to close.
        await using var alice = await node.ConnectAsync("alice", autoReconnect: false);
        await alice.JoinRoomAsync("room").DefaultTimeout();
        await alice.SendMessageAsync("room", "hello").DefaultTimeout();

        await cluster.Redis!.KillAsync();
        // The reset reaches the node at once; a second lets its Redis client start reconnecting, which is what
        // the shutdown then meets.
        await Task.Delay(TimeSpan.FromSeconds(1));
        node.Terminate();
        try
        {
            await node.WaitForExitAsync(NodeProcess.ShutdownTimeout);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"still running {NodeProcess.ShutdownTimeout} after SIGTERM:{Environment.NewLine}{node.Output}");
        }

        Assert.True(node.ExitCode == 0, $"exit code {node.ExitCode}:{Environment.NewLine}{node.Output}");
    }

    [Theory]
    [InlineData(Engine.Postgres)]
    [InlineData(Engine.Redis)]
    public async Task SigtermClosesConnectionsSoClientsMoveToAnotherNodeAndExitsCleanly(Engine engine)
    {
        await using var cluster = await ScaleOutCluster.StartAsync(engine, nodes: 2, withNginx: true);
        await using var alice = NodeProcess.CreateClient(cluster.Nginx!.BaseAddress, "alice");
        var reconnected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        alice.Reconnected += () =>
        {
            reconnected.TrySetResult();
            return Task.CompletedTask;
        };
        var aliceInbox = Watch(alice);
        await alice.StartAsync().DefaultTimeout();
        await alice.JoinRoomAsync("room").DefaultTimeout();
        var victim = await cluster.NodeOfAsync("alice");
        var survivor = cluster.Nodes.Single(n => n != victim);
        await using var olga = await survivor.ConnectAsync("olga");
        var olgaInbox = Watch(olga);
        await olga.JoinRoomAsync("room").DefaultTimeout();

        var acked = await LoadAroundAsync([alice, olga], async _ =>
        {
            victim.Terminate();
            // Well within the host's 10 s shutdown timeout: the node closed its connections rather than waiting them out.
            await victim.WaitForExitAsync(TimeSpan.FromSeconds(8));
            await reconnected.Task.DefaultTimeout();
        });

        Assert.Equal(0, victim.ExitCode);
        Assert.Same(survivor, await cluster.NodeOfAsync("alice"));
        await AssertAllOnceInOrderAsync(aliceInbox, acked, cluster);
        await AssertAllOnceInOrderAsync(olgaInbox, acked, cluster);
    }

    // Each client sends to the room: about 20 acknowledged before the fault, about 40 after it.
    private static async Task<IReadOnlyCollection<ChatMessage>> LoadAroundAsync(IReadOnlyList<ChatClient> clients, Func<Load, Task> fault)
    {
        var load = new Load(clients, Room);
        await load.WaitForAcksAsync(20);
        await fault(load);
        await load.WaitForAcksAsync(load.AckedCount + 40, TestTimeouts.Slow);
        return await load.StopAsync();
    }

    private static Inbox<ChatMessage> Watch(ChatClient client)
    {
        var inbox = new Inbox<ChatMessage>();
        client.MessageReceived += inbox.Add;
        return inbox;
    }

    // Every acknowledged message arrives, none twice, all in increasing id order.
    private static async Task AssertAllOnceInOrderAsync(Inbox<ChatMessage> inbox, IReadOnlyCollection<ChatMessage> acked, ScaleOutCluster cluster)
    {
        var ids = acked.Select(m => m.Id).ToHashSet();
        var deadline = DateTime.UtcNow + TestTimeouts.Slow;
        while (!ids.IsSubsetOf(inbox.All.Select(m => m.Id)) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        var received = inbox.All;
        var missing = ids.Except(received.Select(m => m.Id)).Order().ToArray();
        Assert.True(missing.Length == 0, $"{missing.Length} acknowledged messages never arrived ({string.Join(",", missing.Take(20))}); got {received.Count}.{Environment.NewLine}{cluster.Logs()}");
        Assert.True(received.Zip(received.Skip(1)).All(p => p.First.Id < p.Second.Id), "ids strictly increase: " + string.Join(",", received.Select(m => m.Id)));
        foreach (var message in acked)
        {
            Assert.Equal(message, received.Single(m => m.Id == message.Id));
        }
    }

    private static async Task RestartPostgresAsync()
    {
        var data = Environment.GetEnvironmentVariable("HUBAPP_TEST_POSTGRES_DATA");
        var bin = Environment.GetEnvironmentVariable("HUBAPP_TEST_POSTGRES_BIN");
        var user = Environment.GetEnvironmentVariable("HUBAPP_TEST_POSTGRES_USER");
        Assert.False(string.IsNullOrEmpty(data) || string.IsNullOrEmpty(bin), "HUBAPP_TEST_POSTGRES_DATA and _BIN are not set: run through ./test.sh (scripts/prereqs/30-postgres.sh).");
        // The restarted server writes to the prereq's log file, not to a pipe of ours that it would hold open.
        string[] restart = [Path.Combine(bin!, "pg_ctl"), "-D", data!, "-l", Path.Combine(Path.GetDirectoryName(data!)!, "server.log"), "-m", "fast", "-w", "-t", "60", "restart"];
        var start = Environment.UserName == "root" && !string.IsNullOrEmpty(user) && user != "root"
            ? new ProcessStartInfo("runuser", ["-u", user, "--", .. restart])
            : new ProcessStartInfo(restart[0], restart[1..]);
        start.RedirectStandardOutput = true;
        using var process = Process.Start(start)!;
        await process.WaitForExitAsync().DefaultTimeout(TestTimeouts.Slow);
        Assert.True(process.ExitCode == 0, $"pg_ctl restart failed with {process.ExitCode}");
    }

    /// <summary>
    /// One client straight on each node (no nginx: which node a client is on stays fixed), all in <see cref="Room"/>,
    /// each with its inbox; any reconnect is noted, for the faults that clients should not notice.
    /// </summary>
    private sealed class OnePerNode : IAsyncDisposable
    {
        private readonly List<(ChatClient Client, Inbox<ChatMessage> Inbox)> _members = [];
        private readonly ConcurrentQueue<string> _reconnects = new();

        public IReadOnlyList<ChatClient> Clients => [.. _members.Select(m => m.Client)];

        public IReadOnlyCollection<string> Reconnects => [.. _reconnects];

        public static async Task<OnePerNode> JoinAsync(ScaleOutCluster cluster)
        {
            var members = new OnePerNode();
            try
            {
                foreach (var node in cluster.Nodes)
                {
                    var userId = $"user-{node.Name}";
                    var client = await node.ConnectAsync(userId);
                    members._members.Add((client, Watch(client)));
                    client.Reconnecting += error =>
                    {
                        members._reconnects.Enqueue($"{userId}: {error?.Message}");
                        return Task.CompletedTask;
                    };
                    await client.JoinRoomAsync(Room).DefaultTimeout();
                }
            }
            catch
            {
                await members.DisposeAsync();
                throw;
            }

            return members;
        }

        public async Task AssertEachGotAllOnceInOrderAsync(IReadOnlyCollection<ChatMessage> acked, ScaleOutCluster cluster)
        {
            foreach (var (_, inbox) in _members)
            {
                await AssertAllOnceInOrderAsync(inbox, acked, cluster);
            }
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var (client, _) in _members)
            {
                await client.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// Each client sends to the room in a loop (20 ms apart, at most 2000 each), keeping the acknowledged
    /// messages; a refused or failed send (while a node or PostgreSQL is down) is not acknowledged and is
    /// simply not counted.
    /// </summary>
    private sealed class Load
    {
        private readonly ConcurrentQueue<ChatMessage> _acked = new();
        private volatile bool _stopped;
        private readonly Task[] _loops;

        public Load(IReadOnlyList<ChatClient> clients, string room)
        {
            _loops = [.. clients.Select((client, c) => Task.Run(async () =>
            {
                for (var i = 0; i < 2000 && !_stopped; i++)
                {
                    try
                    {
                        _acked.Enqueue(await client.SendMessageAsync(room, $"{c}-{i}").WaitAsync(TimeSpan.FromSeconds(5)));
                    }
                    catch (Exception ex) when (ex is not OutOfMemoryException)
                    {
                        // Not acknowledged: the node went away, refused with 'unavailable', or the client was reconnecting.
                    }

                    await Task.Delay(20);
                }
            }))];
        }

        public int AckedCount => _acked.Count;

        public async Task WaitForAcksAsync(int count, TimeSpan? timeout = null)
        {
            var deadline = DateTime.UtcNow + (timeout ?? TestTimeouts.Slow);
            while (_acked.Count < count)
            {
                Assert.True(DateTime.UtcNow < deadline, $"only {_acked.Count} of {count} sends were acknowledged in time");
                await Task.Delay(50);
            }
        }

        public async Task<IReadOnlyCollection<ChatMessage>> StopAsync()
        {
            _stopped = true;
            await Task.WhenAll(_loops).DefaultTimeout();
            return [.. _acked];
        }
    }
}
