using System.Net;
using System.Net.Sockets;
using HubApp.Testing;

namespace HubApp.Tests.ScaleOut;

/// <summary>The Redis fault tests trust the harness to make a real outage and a real recovery.</summary>
public sealed class TestRedisTests
{
    [Fact]
    public async Task AKilledServerRefusesConnectionsUntilItIsStartedAgainOnTheSamePort()
    {
        await using var redis = await TestRedis.StartAsync();
        Assert.True(await redis.AnswersPingAsync(), redis.Output);

        await redis.KillAsync();
        using var refused = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        var error = await Assert.ThrowsAsync<SocketException>(() => refused.ConnectAsync(new IPEndPoint(IPAddress.Loopback, redis.Port)).DefaultTimeout());
        Assert.Equal(SocketError.ConnectionRefused, error.SocketErrorCode);

        await redis.StartAgainAsync();
        Assert.True(await redis.AnswersPingAsync(), redis.Output);
        Assert.Equal($"127.0.0.1:{redis.Port}", redis.ConnectionString);
    }
}
