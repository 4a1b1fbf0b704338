using HubApp.Client;
using HubApp.Contracts;
using HubApp.Testing;

namespace HubApp.Tests.Client;

/// <summary>The drop stateful reconnect cannot bridge: the host restarts, and the client's rejoin catches up.</summary>
public sealed class HostRestartTests
{
    [Fact]
    public async Task AfterAHostRestartTheClientRejoinsAndRaisesWhatItMissedOnceAndInOrder()
    {
        var first = await HubAppHost.StartAsync();
        // Alice's reconnects wait at her token provider until the test lets them through, so that what is sent
        // on the restarted host is missed for certain and must come from her rejoin.
        var comeBack = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Task? gate = null;
        await using var alice = first.CreateClient("alice", tokenProvider: async ct =>
        {
            if (Volatile.Read(ref gate) is { } held)
            {
                await held.WaitAsync(TestTimeouts.Slow, ct);
            }

            return TestTokens.Create("alice");
        });
        var received = new Inbox<ChatMessage>();
        var reconnecting = new Inbox<Exception?>();
        var reconnected = new Inbox<bool>();
        alice.MessageReceived += received.Add;
        alice.Reconnecting += reconnecting.Add;
        alice.Reconnected += () => reconnected.Add(true);
        await alice.StartAsync().DefaultTimeout();
        Volatile.Write(ref gate, comeBack.Task);
        await alice.JoinRoomAsync("room").DefaultTimeout();
        var firstConnection = alice.ConnectionId;
        var sent = new List<ChatMessage>();
        await using (var bob = await first.ConnectAsync("bob"))
        {
            await bob.JoinRoomAsync("room").DefaultTimeout();
            for (var i = 0; i < 5; i++)
            {
                sent.Add(await bob.SendMessageAsync("room", $"before {i}").DefaultTimeout());
            }

            await received.WaitForCountAsync(sent.Count);
        }

        await first.StopAsync();
        await reconnecting.NextAsync();
        // Same address and store; catch-up pages of three, so the missed dozen takes several JoinRoom calls.
        await using (var second = await HubAppHost.StartAsync(
            new Dictionary<string, string?> { ["urls"] = first.BaseAddress.ToString(), ["History:MaxCatchUp"] = "3" },
            dataDirectory: first.DataDirectory))
        {
            await using var bob = await second.ConnectAsync("bob");
            await bob.JoinRoomAsync("room").DefaultTimeout();
            for (var i = 0; i < 12; i++)
            {
                sent.Add(await bob.SendMessageAsync("room", $"while away {i}").DefaultTimeout());
            }

            comeBack.SetResult();
            await reconnected.NextAsync(TestTimeouts.Slow);
            sent.Add(await bob.SendMessageAsync("room", "after").DefaultTimeout());
            var all = await received.WaitForCountAsync(sent.Count);
            await Task.Delay(TimeSpan.FromMilliseconds(300));

            Assert.Equal(sent, all);
            Assert.Equal(sent.Count, received.All.Count);
            Assert.Equal(Enumerable.Range(1, sent.Count).Select(i => (long)i), sent.Select(m => m.Id));
            Assert.Single(reconnecting.All);
            Assert.Equal(ChatConnectionState.Connected, alice.State);
            Assert.NotEqual(firstConnection, alice.ConnectionId);
            // The rejoin from id 5, the last alice had seen, in pages of three: 6-8, 9-11, 12-14, 15-17.
            Assert.Equal(4, second.Recorder.Of("alice").Count(i => i.Method == HubMethods.JoinRoom));
            Assert.Equal(sent[^1].Id, alice.LastSeenIds["room"]);
        }

        await first.DisposeAsync();
    }
}
