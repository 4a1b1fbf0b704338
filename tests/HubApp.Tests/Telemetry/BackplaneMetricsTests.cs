using HubApp.Contracts;
using HubApp.Testing;
using HubApp.Tests.ScaleOut;

namespace HubApp.Tests.Telemetry;

/// <summary>Two real node processes on each backplane engine: what each node's <c>/metrics</c> says about the same messages.</summary>
[Collection(PostgresCluster.Name)]
public sealed class BackplaneMetricsTests
{
    [Theory]
    [InlineData(Engine.Postgres)]
    [InlineData(Engine.Redis)]
    public async Task TheNodeThatReceivesAnotherNodesMessagesRecordsTheirBackplaneLag(Engine engine)
    {
        await using var cluster = await ScaleOutCluster.StartAsync(engine, nodes: 2);
        var (a, b) = (cluster.Nodes[0], cluster.Nodes[1]);
        await using var alice = await a.ConnectAsync("alice");
        await using var bob = await b.ConnectAsync("bob");
        var bobMessages = new Inbox<ChatMessage>();
        bob.MessageReceived += bobMessages.Add;
        await alice.JoinRoomAsync("general").DefaultTimeout();
        await bob.JoinRoomAsync("general").DefaultTimeout();

        for (var i = 0; i < 3; i++)
        {
            await alice.SendMessageAsync("general", $"hello {i}").DefaultTimeout();
        }

        for (var i = 0; i < 3; i++)
        {
            await bobMessages.NextAsync();
        }

        using var httpA = new HttpClient { BaseAddress = a.BaseAddress, Timeout = TestTimeouts.Default };
        using var httpB = new HttpClient { BaseAddress = b.BaseAddress, Timeout = TestTimeouts.Default };
        var onA = await MetricsScrape.WaitForAsync(httpA, s => s.Value("hubapp_deliveries_total") >= 3);
        var onB = await MetricsScrape.WaitForAsync(httpB, s => s.Value("hubapp_backplane_lag_seconds_count") >= 3);
        var why = $"node a:\n{onA.HubAppLines()}\nnode b:\n{onB.HubAppLines()}";

        // Node a stored them; both delivered them from the notification stream; only b measured a lag.
        Assert.True(onA.Value("hubapp_messages_stored_total") == 3 && onB.Value("hubapp_messages_stored_total") == 0, why);
        Assert.True(onA.Value("hubapp_deliveries_total") == 3 && onB.Value("hubapp_deliveries_total") == 3, why);
        Assert.True(onB.Value("hubapp_backplane_lag_seconds_count") == 3, why);
        Assert.True(onB.Value("hubapp_backplane_lag_seconds_sum") is > 0 and < 10, why);
        Assert.False(onA.Has("hubapp_backplane_lag_seconds_count"), why);
    }
}
