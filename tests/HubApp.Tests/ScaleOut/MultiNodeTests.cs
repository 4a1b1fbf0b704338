using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using HubApp.Client;
using HubApp.Contracts;
using HubApp.Testing;

namespace HubApp.Tests.ScaleOut;

/// <summary>Several real node processes on each backplane engine: what a user on one node sees of users on another.</summary>
[Collection(PostgresCluster.Name)]
public sealed partial class MultiNodeTests
{
    [Theory]
    [InlineData(Engine.Postgres)]
    [InlineData(Engine.Redis)]
    public async Task ChatPresenceTypingAndDirectMessagesCrossNodes(Engine engine)
    {
        await using var cluster = await ScaleOutCluster.StartAsync(engine, nodes: 2);
        var (a, b) = (cluster.Nodes[0], cluster.Nodes[1]);
        await using var alice = await a.ConnectAsync("alice");
        await using var bob = await b.ConnectAsync("bob");
        var (aliceMessages, bobMessages) = (new Inbox<ChatMessage>(), new Inbox<ChatMessage>());
        var (aliceJoined, aliceLeft, aliceTyping) = (new Inbox<PresenceEvent>(), new Inbox<PresenceEvent>(), new Inbox<TypingEvent>());
        var (aliceDirect, bobDirect) = (new Inbox<DirectMessage>(), new Inbox<DirectMessage>());
        alice.MessageReceived += aliceMessages.Add;
        bob.MessageReceived += bobMessages.Add;
        alice.UserJoined += aliceJoined.Add;
        alice.UserLeft += aliceLeft.Add;
        alice.UserTyping += aliceTyping.Add;
        alice.DirectMessageReceived += aliceDirect.Add;
        bob.DirectMessageReceived += bobDirect.Add;

        await alice.JoinRoomAsync("general").DefaultTimeout();
        var snapshot = await bob.JoinRoomAsync("General").DefaultTimeout();
        Assert.Equal(["alice", "bob"], snapshot.Members.Select(m => m.UserId).Order());
        Assert.Equal("bob", (await aliceJoined.NextAsync()).UserId);

        var hello = await alice.SendMessageAsync("general", "hello from node 0").DefaultTimeout();
        Assert.Equal(hello, await bobMessages.NextAsync());
        Assert.Equal(hello, await aliceMessages.NextAsync());

        // 4000 three-byte characters: over NOTIFY's payload limit, so on PostgreSQL it travels by reference to a row.
        var large = await bob.SendMessageAsync("general", new string('€', 4000)).DefaultTimeout();
        Assert.Equal(large, await aliceMessages.NextAsync());
        Assert.Equal(large, await bobMessages.NextAsync());

        await bob.TypingAsync("general", true).DefaultTimeout();
        var typing = await aliceTyping.NextAsync();
        Assert.Equal(("general", "bob", true), (typing.Room, typing.UserId, typing.IsTyping));

        var direct = await alice.SendDirectMessageAsync("bob", "psst").DefaultTimeout();
        Assert.Equal(direct, await bobDirect.NextAsync());
        Assert.Equal(direct, await aliceDirect.NextAsync());

        foreach (var node in cluster.Nodes)
        {
            var stats = await GetStatsAsync(node);
            Assert.Equal(2, stats.GetProperty("connections").GetInt32());
            Assert.Equal(2, stats.GetProperty("users").GetInt32());
            Assert.Equal(2, stats.GetProperty("rooms").GetProperty("general").GetInt32());
        }

        await bob.LeaveRoomAsync("general").DefaultTimeout();
        Assert.Equal("bob", (await aliceLeft.NextAsync()).UserId);
        Assert.All(cluster.Nodes, n => Assert.True(n.Problems("fail").Count == 0 && n.Problems("crit").Count == 0, cluster.Logs()));
    }

    [Theory]
    [InlineData(Engine.Postgres)]
    [InlineData(Engine.Redis)]
    public async Task AUserIsPresentWhileAnyConnectionOnAnyNodeHasJoined(Engine engine)
    {
        await using var cluster = await ScaleOutCluster.StartAsync(engine, nodes: 2);
        await using var olga = await cluster.Nodes[0].ConnectAsync("olga");
        await using var aliceOn0 = await cluster.Nodes[0].ConnectAsync("alice");
        await using var aliceOn1 = await cluster.Nodes[1].ConnectAsync("alice");
        var (joined, left) = (new Inbox<PresenceEvent>(), new Inbox<PresenceEvent>());
        olga.UserJoined += joined.Add;
        olga.UserLeft += left.Add;
        await olga.JoinRoomAsync("general").DefaultTimeout();

        await aliceOn0.JoinRoomAsync("general").DefaultTimeout();
        await aliceOn1.JoinRoomAsync("general").DefaultTimeout();
        await aliceOn0.LeaveRoomAsync("general").DefaultTimeout();
        await aliceOn1.DisposeAsync();

        // One UserJoined (the first connection) and one UserLeft (the last), whatever node each is on.
        Assert.Equal("alice", (await left.NextAsync()).UserId);
        Assert.Equal(["alice"], joined.All.Select(e => e.UserId));
        await Task.Delay(300);
        Assert.Single(left.All);
    }

    [Theory]
    [InlineData(Engine.Postgres)]
    [InlineData(Engine.Redis)]
    public async Task ConcurrentSendsFromEveryNodeKeepIdsIncreasingAndOneOrderForEveryone(Engine engine)
    {
        const int SendersPerNode = 2, MessagesEach = 40;
        await using var cluster = await ScaleOutCluster.StartAsync(engine, nodes: 3);
        var receivers = new List<(ChatClient Client, Inbox<ChatMessage> Inbox)>();
        var senders = new List<ChatClient>();
        try
        {
            foreach (var node in cluster.Nodes)
            {
                var receiver = await node.ConnectAsync($"reader-{node.Name}");
                var inbox = new Inbox<ChatMessage>();
                receiver.MessageReceived += inbox.Add;
                await receiver.JoinRoomAsync("busy").DefaultTimeout();
                receivers.Add((receiver, inbox));
                for (var s = 0; s < SendersPerNode; s++)
                {
                    var sender = await node.ConnectAsync($"writer-{node.Name}-{s}");
                    await sender.JoinRoomAsync("busy").DefaultTimeout();
                    senders.Add(sender);
                }
            }

            var acked = await Task.WhenAll(senders.Select(sender => Task.Run(async () =>
            {
                var mine = new List<ChatMessage>();
                for (var i = 0; i < MessagesEach; i++)
                {
                    mine.Add(await sender.SendMessageAsync("busy", $"{i}").DefaultTimeout());
                }

                return mine;
            }))).DefaultTimeout(TestTimeouts.Slow);

            const int Total = SendersPerNode * MessagesEach * 3;
            foreach (var sent in acked)
            {
                Assert.True(sent.Zip(sent.Skip(1)).All(p => p.First.Id < p.Second.Id), "one sender's messages got increasing ids");
            }

            Assert.Equal(Enumerable.Range(1, Total).Select(i => (long)i), acked.SelectMany(m => m).Select(m => m.Id).Order());
            foreach (var (_, inbox) in receivers)
            {
                var received = await inbox.WaitForCountAsync(Total, TestTimeouts.Slow);
                Assert.Equal(Enumerable.Range(1, Total).Select(i => (long)i), received.Select(m => m.Id));
            }
        }
        finally
        {
            foreach (var client in senders.Concat(receivers.Select(r => r.Client)))
            {
                await client.DisposeAsync();
            }
        }
    }

    [Theory]
    [InlineData(Engine.Postgres)]
    [InlineData(Engine.Redis)]
    public async Task TheConnectionLimitCountsAUsersConnectionsOnEveryNode(Engine engine)
    {
        await using var cluster = await ScaleOutCluster.StartAsync(engine, nodes: 2, settings: new Dictionary<string, string> { ["Limits__MaxConnectionsPerUser"] = "2" });
        var (a, b) = (cluster.Nodes[0], cluster.Nodes[1]);
        // A ping is answered once the server has admitted the connection (StartAsync returns at the handshake, before).
        await using var onA = await a.ConnectAsync("mallory");
        Assert.Equal("pong", await onA.PingAsync().DefaultTimeout());
        await using var onB = await b.ConnectAsync("mallory");
        Assert.Equal("pong", await onB.PingAsync().DefaultTimeout());

        // Node a holds one of the two: its own count lets the third through negotiate; the shared count refuses it at connect.
        await using var third = NodeProcess.CreateClient(a.BaseAddress, "mallory", autoReconnect: false);
        var closed = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        third.Closed += ex =>
        {
            closed.TrySetResult(ex);
            return Task.CompletedTask;
        };
        var refusal = await Record.ExceptionAsync(() => third.StartAsync().DefaultTimeout());
        var reason = refusal ?? await closed.Task.DefaultTimeout();
        Assert.Contains(ErrorCodes.TooManyConnections, reason?.ToString() ?? string.Empty, StringComparison.Ordinal);

        // The two it holds still work, and once one closes, a connection on either node is let in again.
        Assert.Equal("pong", await onB.PingAsync().DefaultTimeout());
        await onA.DisposeAsync();
        await using var again = await AdmittedAsync(b, "mallory");
        Assert.Equal("pong", await again.PingAsync().DefaultTimeout());
    }

    // A closed connection leaves the shared count a moment after its client sees the close: until then a new one
    // is refused (after its handshake, so the ping tells). Bounded: 50 tries, 100 ms apart.
    private static async Task<ChatClient> AdmittedAsync(NodeProcess node, string userId)
    {
        for (var i = 0; ; i++)
        {
            var client = await node.ConnectAsync(userId, autoReconnect: false);
            try
            {
                await client.PingAsync().DefaultTimeout();
                return client;
            }
            catch (ChatException ex) when (ex.Code == ErrorCodes.TooManyConnections && i < 50)
            {
                await client.DisposeAsync();
                await Task.Delay(100);
            }
        }
    }

    private static async Task<JsonElement> GetStatsAsync(NodeProcess node)
    {
        using var http = new HttpClient { BaseAddress = node.BaseAddress, Timeout = TestTimeouts.Default };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestTokens.Create("stats"));
        using var response = await http.GetAsync("/stats");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }
}
