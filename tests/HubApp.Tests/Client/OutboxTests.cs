using HubApp.Client;
using HubApp.Contracts;
using HubApp.Hubs;
using HubApp.Testing;
using Microsoft.AspNetCore.Http.Connections;

namespace HubApp.Tests.Client;

/// <summary>ChatClient's outbox against the real host: a send is stored exactly once whatever the network does.</summary>
public sealed class OutboxTests
{
    [Fact]
    public async Task AnAcknowledgementLostAfterTheCommitAndTheRetryYieldOneStoredMessage()
    {
        await using var host = await HubAppHost.StartAsync();
        await using var proxy = TcpProxy.Start(host.BaseAddress);
        // WebSockets only, so the proxy reads the host's JSON frames as they are; no stateful reconnect, so the cut
        // connection is not resumed (which would replay the lost answer) and the client must post again on a new one.
        await using var alice = host.CreateClient("alice", via: proxy.BaseAddress, transports: HttpTransportType.WebSockets, statefulReconnect: false);
        var received = new Inbox<ChatMessage>();
        var reconnected = new Inbox<bool>();
        alice.MessageReceived += received.Add;
        alice.Reconnected += () => reconnected.Add(true);
        await alice.StartAsync().DefaultTimeout();
        await alice.JoinRoomAsync("room").DefaultTimeout();
        await using var bob = await host.ConnectAsync("bob");
        var bobReceived = new Inbox<ChatMessage>();
        bob.MessageReceived += bobReceived.Add;
        await bob.JoinRoomAsync("room").DefaultTimeout();

        // The host sends the text only after committing it (the delivery, then the answer): the first bytes that carry
        // it are dropped and the connection reset, so alice gets neither.
        const string Text = "committed, answer lost";
        var cut = proxy.CutWhenHostSends(Text);
        var sent = await alice.SendMessageAsync("room", Text).DefaultTimeout(TestTimeouts.Slow);
        await cut.DefaultTimeout();
        await reconnected.NextAsync(TestTimeouts.Slow);
        var sentinel = await bob.SendMessageAsync("room", "after").DefaultTimeout();
        await received.NextAsync(m => m.Id == sentinel.Id);

        var history = await RoomHistory.ReadAllAsync(bob, "room");
        Assert.Equal([sent, sentinel], history);
        Assert.Equal(Text, sent.Text);
        Assert.NotNull(sent.ClientMessageId);
        // Two posts of the one message, on two connections: the first stored it, the second got it back.
        var posts = host.Recorder.Of("alice").Where(i => i.Method == HubMethods.PostMessage).ToArray();
        Assert.Equal(2, posts.Length);
        Assert.NotEqual(posts[0].ConnectionId, posts[1].ConnectionId);
        // Each user saw it once: alice from her rejoin's catch-up, bob live.
        Assert.Equal([sent.Id, sentinel.Id], received.All.Select(m => m.Id));
        Assert.Equal([sent, sentinel], await bobReceived.WaitForCountAsync(2));
        Assert.Equal(1, proxy.Resets);
    }

    [Fact]
    public async Task ThirtySendsAtOnceOverTheRateLimitAreAllStoredOnceInTheOrderTheyWereMade()
    {
        // Refusals are logged at Debug by the hub's one filter: shown here, to count them.
        var filter = typeof(InvocationLoggingFilter).FullName!;
        await using var host = await HubAppHost.StartAsync(new Dictionary<string, string?>
        {
            ["Limits:MessagesPerSecond"] = "10",
            ["Limits:Burst"] = "5",
            [$"Logging:LogLevel:{filter}"] = "Debug",
        });
        await using var alice = await host.ConnectAsync("alice");
        await alice.JoinRoomAsync("room").DefaultTimeout();
        var texts = Enumerable.Range(0, 30).Select(i => $"quick {i}").ToArray();

        // Thirty Enters at once: the outbox paces the ones past the burst instead of failing them.
        var sends = texts.Select(text => alice.SendMessageAsync("room", text)).ToArray();
        var stored = await Task.WhenAll(sends).DefaultTimeout(TestTimeouts.Slow);

        Assert.Equal(texts, stored.Select(m => m.Text));
        Assert.Equal(Enumerable.Range(1, 30).Select(i => (long)i), stored.Select(m => m.Id));
        Assert.Equal(stored, await RoomHistory.ReadAllAsync(alice, "room"));
        // At least 2.5 s of sending at 10 a second after a burst of 5: some were refused as rate_limited and posted again.
        Assert.Contains(host.Logs.Lines, l => l.Category == filter && l.Message.Contains(": rate_limited: ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AMessageOverTheServersReceiveLimitFailsAtOnceWithTheCloseAndTheClientCarriesOn()
    {
        await using var host = await HubAppHost.StartAsync();
        host.ExpectErrors();
        await using var alice = await host.ConnectAsync("alice");
        var reconnected = new Inbox<bool>();
        alice.Reconnected += () => reconnected.Add(true);
        await alice.JoinRoomAsync("room").DefaultTimeout();

        // Over the hub's receive size limit (Limits:MaxMessageLength × 6 + 2 KB): SignalR closes the connection with an
        // error for it before any of HubApp's code sees it. That close is an answer, not a lost connection: the
        // outbox fails the send instead of posting it after every reconnect.
        var tooBig = new string('x', (4000 * 6) + 4096);
        var failure = await Assert.ThrowsAsync<ChatException>(() => alice.SendMessageAsync("room", tooBig).DefaultTimeout(TestTimeouts.Slow));

        Assert.Contains("closed the connection with the following error", failure.Message, StringComparison.Ordinal);
        await reconnected.NextAsync(TestTimeouts.Slow);
        var after = await alice.SendMessageAsync("room", "still here").DefaultTimeout();
        Assert.Equal([after], await RoomHistory.ReadAllAsync(alice, "room"));
    }
}
