using HubApp.Tests.ScaleOut;
using HubApp.Testing;

namespace HubApp.Tests.Push;

/// <summary>Push on two nodes sharing PostgreSQL: one key pair for the cluster, and "away" means away from every node.</summary>
[Collection(PostgresCluster.Name)]
public sealed class MultiNodePushTests
{
    [Theory]
    [InlineData(Engine.Postgres)]
    [InlineData(Engine.Redis)]
    public async Task AUserOnlineOnlyOnNodeBGetsNoPushForADirectMessageStoredOnNodeA(Engine engine)
    {
        await using var receiver = await PushReceiver.StartAsync();
        var settings = PushReceiver.HostSettings().ToDictionary(s => s.Key.Replace(":", "__", StringComparison.Ordinal), s => s.Value!);
        await using var cluster = await ScaleOutCluster.StartAsync(engine, nodes: 2, settings: settings);
        var (a, b) = (cluster.Nodes[0], cluster.Nodes[1]);
        using var bob = new PushSubscriber(receiver.EndpointOf("bob"));
        using var carol = new PushSubscriber(receiver.EndpointOf("carol"));
        await PushTests.SubscribeAsync(a.BaseAddress, "bob", bob.Json);
        await PushTests.SubscribeAsync(b.BaseAddress, "carol", carol.Json);
        await using var bobOnB = await b.ConnectAsync("bob");
        await using var alice = await a.ConnectAsync("alice");

        await alice.SendDirectMessageAsync("bob", "you are on b").DefaultTimeout();
        var barrier = await alice.SendDirectMessageAsync("carol", "you are away").DefaultTimeout();

        var push = await PushTests.OnlyPushIsAsync(receiver, carol, "carol", barrier.Id);
        using var httpA = new HttpClient { BaseAddress = a.BaseAddress, Timeout = TestTimeouts.Default };
        using var httpB = new HttpClient { BaseAddress = b.BaseAddress, Timeout = TestTimeouts.Default };
        var key = await PushTests.PublicKeyAsync(httpA);
        Assert.Equal(key, await PushTests.PublicKeyAsync(httpB));
        VapidCheck.VerifiedClaims(push.Authorization, key);
    }
}
