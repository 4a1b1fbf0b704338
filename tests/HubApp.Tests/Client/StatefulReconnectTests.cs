using HubApp.Client;
using HubApp.Contracts;
using HubApp.Testing;

namespace HubApp.Tests.Client;

/// <summary>SignalR's stateful reconnect, through a TCP proxy that resets the connection mid-traffic.</summary>
public sealed class StatefulReconnectTests
{
    [Fact]
    public async Task AConnectionResetMidTrafficResumesTheSameConnectionWithNothingMissedAndNoRejoin()
    {
        // Alice's one connection is her limit: resuming it must not count as another.
        await using var host = await HubAppHost.StartAsync(new Dictionary<string, string?> { ["Limits:MaxConnectionsPerUser"] = "1" });
        await using var proxy = TcpProxy.Start(host.BaseAddress);
        await using var alice = host.CreateClient("alice", via: proxy.BaseAddress);
        await using var bob = await host.ConnectAsync("bob");
        var received = new Inbox<ChatMessage>();
        var lost = new Inbox<Exception?>();
        var presence = new Inbox<PresenceEvent>();
        alice.MessageReceived += received.Add;
        alice.Reconnecting += lost.Add;
        bob.UserJoined += presence.Add;
        bob.UserLeft += presence.Add;
        await alice.StartAsync().DefaultTimeout();
        await alice.JoinRoomAsync("room").DefaultTimeout();
        await bob.JoinRoomAsync("room").DefaultTimeout();
        var connectionId = alice.ConnectionId;

        // Bob sends without pause; a third of the way in, every connection through the proxy is reset and
        // new ones are held for a second, so bob's messages of that second reach the server while alice is cut off.
        var sending = Task.Run(async () =>
        {
            var sent = new List<ChatMessage>();
            for (var i = 0; i < 60; i++)
            {
                sent.Add(await bob.SendMessageAsync("room", $"m{i}").DefaultTimeout());
                await Task.Delay(15);
            }

            return sent;
        });
        await received.WaitForCountAsync(20);
        Task<ChatMessage> own;
        int reset, acceptedBefore;
        using (proxy.Hold())
        {
            acceptedBefore = proxy.Accepted;
            reset = proxy.ResetAll();
            // Alice's own send while cut off: buffered by her client, resent on the resumed connection.
            own = alice.SendMessageAsync("room", "sent during the drop");
            await Task.Delay(TimeSpan.FromSeconds(1));
            Assert.False(own.IsCompleted);
        }

        var ownDuringDrop = await own.DefaultTimeout();

        var fromBob = await sending.DefaultTimeout(TestTimeouts.Slow);
        var expected = fromBob.Append(ownDuringDrop).OrderBy(m => m.Id).ToArray();
        var all = await received.WaitForCountAsync(expected.Length, TestTimeouts.Default);
        await Task.Delay(TimeSpan.FromMilliseconds(300));

        Assert.True(reset >= 1, "nothing was reset");
        Assert.True(proxy.Accepted > acceptedBefore, "the client did not come back through the proxy");
        Assert.Equal(expected, all);
        Assert.Equal(expected.Length, received.All.Count);
        Assert.Equal(connectionId, alice.ConnectionId);
        Assert.Empty(lost.All);
        Assert.Equal(ChatConnectionState.Connected, alice.State);
        // One connection, one JoinRoom: the server never saw a rejoin, and bob no leave or join.
        Assert.Single(host.Recorder.Connections, c => c.UserId == "alice");
        Assert.Single(host.Recorder.Of("alice"), i => i.Method == HubMethods.JoinRoom);
        Assert.DoesNotContain(presence.All, p => p.UserId == "alice");
    }
}
