using HubApp.Contracts;
using HubApp.Hubs;
using HubApp.Testing;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;

namespace HubApp.Tests.Hardening;

/// <summary>
/// A connection that completes the handshake and then sends nothing, not even a ping, is closed after the client
/// timeout, as one that stopped pinging is; one that pings stays.
/// </summary>
public sealed class SilentConnectionTests
{
    private static readonly TimeSpan ClientTimeout = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task AConnectionSilentAfterItsHandshakeIsClosedAfterTheClientTimeoutWhileOneThatPingsStays()
    {
        Assert.True(SilentConnectionTimeout.IsAvailable);
        await using var host = await HubAppHost.StartAsync(services: services => services.Configure<HubOptions>(hub =>
        {
            hub.ClientTimeoutInterval = ClientTimeout;
            hub.KeepAliveInterval = TimeSpan.FromMilliseconds(500);
        }));
        await using var silent = await RawHubSocket.ConnectAsync(host, "silent");
        await using var pinging = await RawHubSocket.ConnectAsync(host, "pinging");

        // The silent socket only reads (the server's own pings); the other sends a ping twice a second meanwhile.
        var closed = silent.ReadUntilClosedAsync();
        for (var i = 0; i < 60 && !closed.IsCompleted; i++)
        {
            await pinging.SendTextAsync("""{"type":6}""" + RawHubSocket.Separator);
            await Task.WhenAny(closed, Task.Delay(500));
        }

        Assert.True(closed.IsCompleted, "the silent connection was not closed within 30 s");
        await closed;
        Assert.NotEqual(System.Net.WebSockets.WebSocketState.Open, silent.State);
        // Still there, and still answering, after more than the client timeout.
        Assert.Contains("\"result\":\"pong\"", await pinging.InvokeAsync("1", HubMethods.Ping, "[]"), StringComparison.Ordinal);
    }
}
