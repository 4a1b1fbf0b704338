using HubApp.Client.Tests.TestHost;
using HubApp.Contracts;
using Microsoft.AspNetCore.SignalR;

namespace HubApp.Client.Tests;

public sealed partial class ChatClientTests
{
    [Fact]
    public async Task A_send_whose_acknowledgement_is_lost_is_posted_again_with_the_same_clientMessageId_and_stored_once()
    {
        var (client, messages) = await StartJoinedClientAsync();
        var reconnected = new EventLog<bool>();
        client.Reconnected += () => reconnected.Handle(true);
        var cuts = 0;
        _chat.AfterPostStored = async _ =>
        {
            // Stored and sent, then the connection goes before the answer does.
            if (Interlocked.Increment(ref cuts) == 1)
            {
                _chat.AbortAll();
                await Task.Delay(TimeSpan.FromMilliseconds(200));
            }
        };

        var sent = await client.SendMessageAsync(Room, "once").WaitAsync(Timeouts.Default);
        await reconnected.WaitForCountAsync(1);
        var sentinel = await _chat.AppendAndPublishAsync(Room, "after");
        await messages.WaitForAsync(items => items.Contains(sentinel));

        var posts = _chat.Posts.ToArray();
        Assert.Equal(2, posts.Length);
        Assert.All(posts, p => Assert.Equal(HubMethods.PostMessage, p.Method));
        Assert.Single(posts.Select(p => p.ClientMessageId).Distinct());
        Assert.Matches("^[A-Za-z0-9_-]{1,64}$", posts[0].ClientMessageId);
        Assert.Equal(posts[0].ClientMessageId, sent.ClientMessageId);
        Assert.Equal([sent.Id], Ids(_chat.Snapshot(Room, 0).Messages.Where(m => m.Text == "once")));
        Assert.Equal([sent.Id, sentinel.Id], Ids(messages.Items));
        Assert.Equal(0, client.PendingSends);
    }

    [Fact]
    public async Task Lines_sent_while_reconnecting_wait_for_the_reconnect_and_are_stored_once_each_in_order()
    {
        var client = await StartJoinedThenLoseTheConnectionAsync(TimeSpan.FromMilliseconds(300));
        Assert.Equal(ChatConnectionState.Reconnecting, client.State);
        var sends = Enumerable.Range(0, 5).Select(i => client.SendMessageAsync(Room, $"queued {i}")).ToArray();
        var stored = await Task.WhenAll(sends).WaitAsync(Timeouts.Default);

        Assert.Equal(["queued 0", "queued 1", "queued 2", "queued 3", "queued 4"], stored.Select(m => m.Text));
        Assert.Equal(stored.Select(m => m.Id).Order(), stored.Select(m => m.Id));
        Assert.Equal(5, _chat.Posts.Count);
        Assert.Equal(ChatConnectionState.Connected, client.State);
    }

    [Fact]
    public async Task A_send_waiting_for_the_reconnect_ends_when_its_token_is_cancelled_and_posts_nothing()
    {
        var client = await StartJoinedThenLoseTheConnectionAsync(TimeSpan.FromSeconds(2));
        using var cancel = new CancellationTokenSource();

        var send = client.SendMessageAsync(Room, "given up", cancel.Token);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => send.WaitAsync(Timeouts.Default));
        Assert.Equal(0, client.PendingSends);
        Assert.Empty(_chat.Posts);
    }

    [Fact]
    public async Task A_send_refused_as_rate_limited_is_paced_and_posted_again_not_failed_and_the_next_send_waits_for_it()
    {
        var client = CreateClient(new ChatClientOptions { ServerUrl = _host.Url, RateLimitedRetryDelay = TimeSpan.FromMilliseconds(50) });
        await client.StartAsync().WaitAsync(Timeouts.Default);
        await client.JoinRoomAsync(Room).WaitAsync(Timeouts.Default);
        var refusals = 0;
        _chat.BeforePost = _ => Interlocked.Increment(ref refusals) <= 2
            ? throw new HubException($"{ErrorCodes.RateLimited}: slow down.")
            : Task.CompletedTask;

        var first = client.SendMessageAsync(Room, "first");
        var second = client.SendMessageAsync(Room, "second");
        var stored = await Task.WhenAll(first, second).WaitAsync(Timeouts.Default);

        Assert.Equal(["first", "second"], stored.Select(m => m.Text));
        Assert.True(stored[0].Id < stored[1].Id);
        var posts = _chat.Posts.ToArray();
        Assert.Equal(4, posts.Length);
        Assert.Single(posts.Take(3).Select(p => p.ClientMessageId).Distinct());
        Assert.NotEqual(posts[0].ClientMessageId, posts[3].ClientMessageId);
    }

    [Fact]
    public async Task A_refusal_that_retrying_cannot_fix_fails_the_send_at_once_with_its_code()
    {
        var (client, _) = await StartJoinedClientAsync();
        _chat.BeforePost = _ => throw new HubException("muted: you are muted in lobby.");

        var error = await Assert.ThrowsAsync<ChatException>(() => client.SendMessageAsync(Room, "hi").WaitAsync(Timeouts.Default));
        var direct = await Assert.ThrowsAsync<ChatException>(() => client.SendDirectMessageAsync("bob", "hi").WaitAsync(Timeouts.Default));

        Assert.Equal("muted", error.Code);
        Assert.Equal("muted", direct.Code);
        Assert.Equal(2, _chat.Posts.Count);
        Assert.Equal(0, client.PendingSends);
    }

    [Fact]
    public async Task Beyond_MaxPendingSends_a_send_fails_at_once_saying_the_outbox_is_full()
    {
        var client = CreateClient(new ChatClientOptions { ServerUrl = _host.Url, MaxPendingSends = 2 });
        await client.StartAsync().WaitAsync(Timeouts.Default);
        await client.JoinRoomAsync(Room).WaitAsync(Timeouts.Default);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _chat.BeforePost = _ => release.Task.WaitAsync(Timeouts.Default);

        Task[] pending = [client.SendMessageAsync(Room, "one"), client.SendDirectMessageAsync("bob", "two")];
        // Thrown by the call itself, not by the task: nothing was queued.
        var error = Assert.Throws<ChatOutboxFullException>(() => { _ = client.SendMessageAsync(Room, "three"); });
        release.SetResult();
        await Task.WhenAll(pending).WaitAsync(Timeouts.Default);

        Assert.Contains("outbox is full", error.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(ChatClientOptions.MaxPendingSends), error.Message, StringComparison.Ordinal);
        Assert.Equal(0, client.PendingSends);
        Assert.Equal("four", (await client.SendMessageAsync(Room, "four").WaitAsync(Timeouts.Default)).Text);
    }

    [Fact]
    public async Task A_send_still_pending_when_the_client_stops_fails_with_InvalidOperationException()
    {
        var (client, _) = await StartJoinedClientAsync();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var posted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _chat.BeforePost = _ =>
        {
            posted.TrySetResult();
            return release.Task.WaitAsync(Timeouts.Default);
        };

        var send = client.SendMessageAsync(Room, "never answered");
        await posted.Task.WaitAsync(Timeouts.Default);
        await client.StopAsync().WaitAsync(Timeouts.Default);
        release.SetResult();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => send.WaitAsync(Timeouts.Default));
        Assert.Contains("stopped before the message was confirmed stored", error.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => { _ = client.SendMessageAsync(Room, "after stop"); });
    }

    [Fact]
    public async Task A_send_whose_connection_is_lost_under_it_every_time_fails_after_the_bounded_attempts_and_the_next_one_goes()
    {
        var client = CreateClient(new ChatClientOptions { ServerUrl = _host.Url, ReconnectDelays = [TimeSpan.Zero], MaxInterruptedSendAttempts = 3 });
        await client.StartAsync().WaitAsync(Timeouts.Default);
        await client.JoinRoomAsync(Room).WaitAsync(Timeouts.Default);
        var cutting = true;
        _chat.BeforePost = async _ =>
        {
            // As for a message whatever stands between client and server cannot carry: the connection goes each time.
            if (Volatile.Read(ref cutting))
            {
                _chat.AbortAll();
                await Task.Delay(TimeSpan.FromMilliseconds(200));
            }
        };

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => client.SendMessageAsync(Room, "cannot pass").WaitAsync(Timeouts.Default));
        Volatile.Write(ref cutting, false);

        Assert.Contains("closed each of the 3 times", error.Message, StringComparison.Ordinal);
        Assert.Equal(3, _chat.Posts.Count(p => p.Method == HubMethods.PostMessage));
        Assert.Equal(0, client.PendingSends);
        var after = await client.SendMessageAsync(Room, "after").WaitAsync(Timeouts.Default);
        Assert.Equal(["after"], _chat.Snapshot(Room, 0).Messages.Select(m => m.Text));
        Assert.Equal("after", after.Text);
    }

    // A client in the room whose connection the server dropped: Reconnecting, the first attempt after reconnectDelay.
    private async Task<ChatClient> StartJoinedThenLoseTheConnectionAsync(TimeSpan reconnectDelay)
    {
        var client = CreateClient(reconnectDelay: reconnectDelay);
        var reconnecting = new EventLog<Exception?>();
        client.Reconnecting += reconnecting.Handle;
        await client.StartAsync().WaitAsync(Timeouts.Default);
        await client.JoinRoomAsync(Room).WaitAsync(Timeouts.Default);
        _chat.AbortAll();
        await reconnecting.WaitForCountAsync(1);
        return client;
    }
}
