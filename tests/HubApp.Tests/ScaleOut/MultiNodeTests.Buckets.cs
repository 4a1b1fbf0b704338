using HubApp.Backplane.Postgres;
using HubApp.Contracts;
using HubApp.Testing;
using HubApp.Tests.Telemetry;

namespace HubApp.Tests.ScaleOut;

// On PostgreSQL a node listens only to the channels of the rooms and users it holds. What a node received is read from
// its backplane lag histogram: it records every stored message another node published that reached it, before the
// message goes to any connection, and in the order they were committed.
public sealed partial class MultiNodeTests
{
    [Fact]
    public async Task OnPostgresANodeWithNoMemberOfARoomDoesNotReceiveItsEntries()
    {
        // Two rooms in different buckets, so that listening to the one does not hear the other.
        const string Elsewhere = "elsewhere";
        var shared = Enumerable.Range(0, 100).Select(i => $"shared{i}").First(r => PostgresChannels.Bucket(r) != PostgresChannels.Bucket(Elsewhere));
        await using var cluster = await ScaleOutCluster.StartAsync(Engine.Postgres, nodes: 2);
        var (a, b) = (cluster.Nodes[0], cluster.Nodes[1]);
        await using var alice = await a.ConnectAsync("alice");
        await using var bob = await b.ConnectAsync("bob");
        var bobMessages = new Inbox<ChatMessage>();
        bob.MessageReceived += bobMessages.Add;
        await alice.JoinRoomAsync(Elsewhere).DefaultTimeout();
        await alice.JoinRoomAsync(shared).DefaultTimeout();
        await bob.JoinRoomAsync(shared).DefaultTimeout();

        for (var i = 0; i < 3; i++)
        {
            await alice.SendMessageAsync(Elsewhere, $"not for node b {i}").DefaultTimeout();
        }

        var last = await alice.SendMessageAsync(shared, "for node b").DefaultTimeout();
        Assert.Equal(last, await bobMessages.NextAsync());

        // Committed after the three, so had they reached node b they would be counted by now.
        using var http = new HttpClient { BaseAddress = b.BaseAddress, Timeout = TestTimeouts.Default };
        var onB = await MetricsScrape.WaitForAsync(http, s => s.Value("hubapp_backplane_lag_seconds_count") >= 1);
        Assert.True(onB.Value("hubapp_backplane_lag_seconds_count") == 1, onB.HubAppLines());
        Assert.Equal([last], bobMessages.All);
    }

    [Fact]
    public async Task OnPostgresADirectMessageBetweenTwoUsersOfOneNodeDoesNotReachAnother()
    {
        // Carol's bucket is neither Alice's nor Bob's, so that listening to hers hears nothing of theirs.
        var carol = Enumerable.Range(0, 100).Select(i => $"carol{i}")
            .First(c => PostgresChannels.Bucket(c) != PostgresChannels.Bucket("alice") && PostgresChannels.Bucket(c) != PostgresChannels.Bucket("bob"));
        await using var cluster = await ScaleOutCluster.StartAsync(Engine.Postgres, nodes: 2);
        var (a, b) = (cluster.Nodes[0], cluster.Nodes[1]);
        await using var alice = await a.ConnectAsync("alice");
        await using var bob = await a.ConnectAsync("bob");
        await using var carolClient = await b.ConnectAsync(carol);
        var (bobDirect, carolDirect) = (new Inbox<DirectMessage>(), new Inbox<DirectMessage>());
        bob.DirectMessageReceived += bobDirect.Add;
        carolClient.DirectMessageReceived += carolDirect.Add;

        for (var i = 0; i < 3; i++)
        {
            var direct = await alice.SendDirectMessageAsync("bob", $"between us {i}").DefaultTimeout();
            Assert.Equal(direct, await bobDirect.NextAsync());
        }

        var toCarol = await alice.SendDirectMessageAsync(carol, "for node b").DefaultTimeout();
        Assert.Equal(toCarol, await carolDirect.NextAsync());

        using var http = new HttpClient { BaseAddress = b.BaseAddress, Timeout = TestTimeouts.Default };
        var onB = await MetricsScrape.WaitForAsync(http, s => s.Value("hubapp_backplane_lag_seconds_count") >= 1);
        Assert.True(onB.Value("hubapp_backplane_lag_seconds_count") == 1, onB.HubAppLines());
        Assert.Equal([toCarol], carolDirect.All);
    }
}
