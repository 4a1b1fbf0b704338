using HubApp.Testing;
using HubApp.Tests.ScaleOut;
using Npgsql;

namespace HubApp.Tests.Webhooks;

/// <summary>
/// Webhooks on two node processes sharing PostgreSQL (the store's lease decides who sends), with each backplane engine: one
/// batch per room in flight at a time across the nodes, each entry once per answered batch, and a node killed while its
/// batch waits for an answer replaced by the other once the lease has run out.
/// </summary>
[Collection(PostgresCluster.Name)]
public sealed class MultiNodeWebhookTests
{
    private static readonly Dictionary<string, string> NodeSettings = new()
    {
        ["Webhooks__AllowedHosts__0"] = "127.0.0.1",
        ["Webhooks__PollInterval"] = "00:00:00.100",
        ["Webhooks__RetryMinimum"] = "00:00:00.050",
        ["Webhooks__RetryMaximum"] = "00:00:00.400",
        ["Webhooks__Timeout"] = "00:00:05",
        ["Webhooks__LeaseDuration"] = "00:00:06",
        ["Limits__MessagesPerSecond"] = "100000",
        ["Limits__Burst"] = "100000",
    };

    [Theory]
    [InlineData(Engine.Postgres)]
    [InlineData(Engine.Redis)]
    public async Task TwoNodesDeliverEachEntryOnceInOrderWithNeverTwoBatchesOfARoomInFlight(Engine engine)
    {
        await using var cluster = await ScaleOutCluster.StartAsync(engine, nodes: 2, settings: NodeSettings);
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var onA = await cluster.Nodes[0].ConnectAsync("alice");
        await using var onB = await cluster.Nodes[1].ConnectAsync("bob");
        using var http = new HttpClient { BaseAddress = cluster.Nodes[0].BaseAddress, Timeout = TestTimeouts.Default };
        var webhook = await WebhookTests.RegisterAsync(http, receiver.Url, null);

        var general = new List<long>();
        var news = new List<long>();
        for (var round = 0; round < 6; round++)
        {
            general.AddRange(await WebhookTests.PostAsync(round % 2 == 0 ? onA : onB, "general", 40));
            news.AddRange(await WebhookTests.PostAsync(round % 2 == 0 ? onB : onA, "news", 10));
        }

        Assert.Equal(general.Order(), await receiver.WaitForAcceptedAsync("general", general.Count));
        Assert.Equal(news.Order(), await receiver.WaitForAcceptedAsync("news", news.Count));
        Assert.Empty(receiver.Overlaps);
        // Every batch was answered 200, so none came twice: not one entry reached the receiver more than once.
        Assert.All(receiver.Batches, b => Assert.Equal(200, b.Status));
        Assert.Equal(general.Order(), receiver.Batches.Where(b => b.Room == "general").SelectMany(b => b.Ids));
        Assert.All(receiver.Batches, b => Assert.True(b.IsSignedWith(webhook.Secret)));
    }

    [Theory]
    [InlineData(Engine.Postgres)]
    [InlineData(Engine.Redis)]
    public async Task ANodeKilledWhileItsBatchWaitsForAnAnswerIsReplacedByTheOtherAfterTheLease(Engine engine)
    {
        await using var cluster = await ScaleOutCluster.StartAsync(engine, nodes: 2, settings: NodeSettings);
        await using var receiver = await WebhookReceiver.StartAsync();
        using var http = new HttpClient { BaseAddress = cluster.Nodes[0].BaseAddress, Timeout = TestTimeouts.Default };
        await WebhookTests.RegisterAsync(http, receiver.Url, ["general"]);
        var held = receiver.HoldNext();
        long[] before;
        await using (var poster = await cluster.Nodes[0].ConnectAsync("alice", autoReconnect: false))
        {
            before = await WebhookTests.PostAsync(poster, "general", 5);
        }

        await held.DefaultTimeout();
        var sender = await LeaseHolderAsync(cluster);
        await sender.KillAsync();
        var survivor = cluster.Nodes.Single(n => n != sender);
        await using var bob = await survivor.ConnectAsync("bob");
        var after = await WebhookTests.PostAsync(bob, "general", 5);

        var accepted = await receiver.WaitForAcceptedAsync("general", before.Length + after.Length);
        Assert.Equal([.. before, .. after], accepted);
        // The batch whose answer was lost came again (grown, perhaps, by what was posted meanwhile), from the survivor.
        Assert.Equal((0, receiver.Batches[0].Ids[0]), (receiver.Batches[0].Status, receiver.Batches[1].Ids[0]));
        WebhookTests.AssertOnlyFailedBatchesCameAgain(receiver.Batches);
        Assert.Empty(receiver.Overlaps);
    }

    [Fact]
    public async Task WebhooksGoOnDeliveringFromTheStoreWhileRedisIsDown()
    {
        await using var cluster = await ScaleOutCluster.StartAsync(Engine.Redis, nodes: 2, settings: NodeSettings);
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var onA = await cluster.Nodes[0].ConnectAsync("alice");
        await using var onB = await cluster.Nodes[1].ConnectAsync("bob");
        using var http = new HttpClient { BaseAddress = cluster.Nodes[0].BaseAddress, Timeout = TestTimeouts.Default };
        await WebhookTests.RegisterAsync(http, receiver.Url, ["general"]);
        var before = await WebhookTests.PostAsync(onA, "general", 10);
        await onB.JoinRoomAsync("general").DefaultTimeout();
        Assert.Equal(before, await receiver.WaitForAcceptedAsync("general", before.Length));

        // Joins need the backplane, sends do not (the store acknowledges them): both joined before the outage.
        await cluster.Redis!.KillAsync();
        var during = new List<long>();
        during.AddRange(await WebhookTests.PostAsync(onA, "general", 10, join: false));
        during.AddRange(await WebhookTests.PostAsync(onB, "general", 10, join: false));

        // Delivered while Redis is still down: the store, not the backplane, is what webhooks follow.
        var accepted = await receiver.WaitForAcceptedAsync("general", before.Length + during.Count);
        await cluster.Redis.StartAgainAsync();
        Assert.Equal([.. before, .. during.Order()], accepted);
        Assert.Empty(receiver.Overlaps);
        Assert.All(receiver.Batches, b => Assert.Equal(200, b.Status));
    }

    // The lease's owner names its process (WebhookDelivery): the node whose batch the receiver holds.
    private static async Task<NodeProcess> LeaseHolderAsync(ScaleOutCluster cluster)
    {
        await using var connection = new NpgsqlConnection(cluster.Database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT lease_owner FROM webhook_cursors WHERE room = 'general';", connection);
        var owner = (string)(await command.ExecuteScalarAsync() ?? throw new InvalidOperationException("No lease is held."));
        return cluster.Nodes.Single(n => owner.Contains($"-{n.ProcessId}-", StringComparison.Ordinal));
    }
}
