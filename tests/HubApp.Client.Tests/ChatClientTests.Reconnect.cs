using System.Net;
using Microsoft.AspNetCore.SignalR;
using HubApp.Client.Tests.TestHost;
using HubApp.Contracts;

namespace HubApp.Client.Tests;

public sealed partial class ChatClientTests
{
    [Fact]
    public async Task After_a_server_abort_the_client_reconnects_with_a_fresh_token_and_raises_missed_messages_once_in_order()
    {
        _chat.MaxCatchUp = 2;
        var tokenCalls = 0;
        var client = CreateClient(_ => ValueTask.FromResult<string?>($"token {Interlocked.Increment(ref tokenCalls)}"));
        var messages = new EventLog<ChatMessage>();
        var reconnecting = new EventLog<Exception?>();
        var reconnected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        client.MessageReceived += messages.Handle;
        client.Reconnecting += reconnecting.Handle;
        client.Reconnected += () =>
        {
            // Reconnected comes after the caught-up messages: they must all be here already.
            reconnected.TrySetResult();
            return Task.CompletedTask;
        };
        await client.StartAsync().WaitAsync(Timeouts.Default);
        await client.JoinRoomAsync(Room).WaitAsync(Timeouts.Default);
        var live = new[] { await _chat.AppendAndPublishAsync(Room, "live 1"), await _chat.AppendAndPublishAsync(Room, "live 2") };
        await messages.WaitForCountAsync(2);

        var missed = Enumerable.Range(1, 5).Select(i => _chat.Append(Room, $"missed {i}")).ToList();
        ChatMessage? duringRejoin = null;
        _chat.AfterSnapshot = async (room, sinceId) =>
        {
            // During the second catch-up page: a duplicate of one already delivered, and a new one sent live.
            if (sinceId == missed[1].Id)
            {
                await _chat.PublishAsync(missed[0]);
                duringRejoin ??= await _chat.AppendAndPublishAsync(room, "during rejoin");
            }
        };
        _chat.AbortAll();
        await reconnected.Task.WaitAsync(Timeouts.Default);
        var afterMessages = messages.Items;
        _chat.AfterSnapshot = null;
        var sentinel = await _chat.AppendAndPublishAsync(Room, "after");
        await messages.WaitForAsync(items => items.Contains(sentinel));

        Assert.Equal(Ids([.. live, .. missed, duringRejoin!]), Ids(afterMessages));
        Assert.Equal(Ids([.. live, .. missed, duringRejoin!, sentinel]), Ids(messages.Items));
        // Pages of two from the last seen id; the third page also holds the message sent live during the second.
        Assert.Equal([(Room, (long?)null), (Room, live[1].Id), (Room, missed[1].Id), (Room, missed[3].Id)], _chat.Joins);
        // One negotiate per connection, each with a fresh token (SignalR asks the provider again for the WebSocket too).
        Assert.Equal(2, _chat.Negotiates.Count);
        Assert.Equal(2, _chat.Negotiates.Select(r => r.Authorization).Distinct().Count());
        Assert.Single(reconnecting.Items);
        Assert.Equal(ChatConnectionState.Connected, client.State);
        Assert.Equal(sentinel.Id, client.LastSeenIds[Room]);
    }

    [Fact]
    public async Task After_a_close_message_without_allowReconnect_the_client_reconnects_by_itself_and_catches_up()
    {
        var tokenCalls = 0;
        var client = CreateClient(_ => ValueTask.FromResult<string?>($"token {Interlocked.Increment(ref tokenCalls)}"));
        var messages = new EventLog<ChatMessage>();
        var reconnecting = new EventLog<Exception?>();
        var reconnected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        client.MessageReceived += messages.Handle;
        client.Reconnecting += reconnecting.Handle;
        client.Reconnected += () =>
        {
            reconnected.TrySetResult();
            return Task.CompletedTask;
        };
        await client.StartAsync().WaitAsync(Timeouts.Default);
        await client.JoinRoomAsync(Room).WaitAsync(Timeouts.Default);
        var missed = _chat.Append(Room, "sent while the token was being renewed");

        // How the server ends a connection whose token expired: SignalR's own reconnect does not follow it.
        await _chat.CloseAllAsync("the token expired", allowReconnect: false).WaitAsync(Timeouts.Default);
        await reconnected.Task.WaitAsync(Timeouts.Default);

        Assert.Equal([missed.Id], Ids(messages.Items));
        Assert.Contains("the token expired", Assert.Single(reconnecting.Items)!.Message, StringComparison.Ordinal);
        Assert.Equal(2, _chat.Negotiates.Count);
        Assert.Equal(2, _chat.Negotiates.Select(r => r.Authorization).Distinct().Count());
        Assert.Equal(ChatConnectionState.Connected, client.State);
    }

    [Fact]
    public async Task A_rejoin_refused_as_unavailable_is_retried_and_the_room_is_kept()
    {
        var client = CreateClient();
        var messages = new EventLog<ChatMessage>();
        var reconnected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        client.MessageReceived += messages.Handle;
        client.Reconnected += () =>
        {
            reconnected.TrySetResult();
            return Task.CompletedTask;
        };
        await client.StartAsync().WaitAsync(Timeouts.Default);
        await client.JoinRoomAsync(Room).WaitAsync(Timeouts.Default);
        var missed = _chat.Append(Room, "sent while the store was down for the rejoin");
        var refusals = 0;
        _chat.AfterSnapshot = (_, _) => Interlocked.Increment(ref refusals) <= 2
            ? throw new HubException($"{ErrorCodes.Unavailable}: the store cannot take messages now.")
            : Task.CompletedTask;

        _chat.AbortAll();
        await reconnected.Task.WaitAsync(Timeouts.Default);

        Assert.True(refusals >= 3);
        Assert.Equal([missed.Id], Ids(messages.Items));
        Assert.Equal(missed.Id, client.LastSeenIds[Room]);
        Assert.Equal(ChatConnectionState.Connected, client.State);
    }

    [Fact]
    public async Task Reconnecting_gives_up_after_the_maximum_attempts_and_raises_Closed_with_the_last_error()
    {
        var client = CreateClient(maxReconnectAttempts: 2);
        var closed = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.Closed += error =>
        {
            closed.TrySetResult(error);
            return Task.CompletedTask;
        };
        await client.StartAsync().WaitAsync(Timeouts.Default);
        _chat.RejectStatus = 401;

        _chat.AbortAll();
        var error = await closed.Task.WaitAsync(Timeouts.Default);

        Assert.Equal(HttpStatusCode.Unauthorized, Assert.IsType<HttpRequestException>(error).StatusCode);
        Assert.Equal(ChatConnectionState.Disconnected, client.State);
        Assert.Equal(3, _chat.Negotiates.Count);
    }

    [Fact]
    public async Task StopAsync_ends_a_reconnect_loop_and_raises_Closed_once()
    {
        var attempts = new EventLog<int>();
        var calls = 0;
        var client = CreateClient(
            async _ =>
            {
                await attempts.Handle(Interlocked.Increment(ref calls));
                return null;
            },
            reconnectDelay: TimeSpan.FromMilliseconds(20));
        var closed = new EventLog<Exception?>();
        client.Closed += closed.Handle;
        await client.StartAsync().WaitAsync(Timeouts.Default);
        _chat.RejectStatus = 503;
        _chat.AbortAll();
        await attempts.WaitForCountAsync(3);
        Assert.Equal(ChatConnectionState.Reconnecting, client.State);

        await client.StopAsync().WaitAsync(Timeouts.Default);
        var callsWhenStopped = calls;
        await client.DisposeAsync().AsTask().WaitAsync(Timeouts.Default);

        Assert.Equal(ChatConnectionState.Disconnected, client.State);
        Assert.Equal([null], closed.Items);
        Assert.Equal(callsWhenStopped, calls);
    }

    [Fact]
    public async Task Without_auto_reconnect_a_lost_connection_raises_Closed_with_the_error()
    {
        var client = CreateClient(autoReconnect: false);
        var closed = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var reconnecting = new EventLog<Exception?>();
        client.Closed += error =>
        {
            closed.TrySetResult(error);
            return Task.CompletedTask;
        };
        client.Reconnecting += reconnecting.Handle;
        await client.StartAsync().WaitAsync(Timeouts.Default);

        _chat.AbortAll();
        await closed.Task.WaitAsync(Timeouts.Default);
        await client.DisposeAsync().AsTask().WaitAsync(Timeouts.Default);

        Assert.Equal(ChatConnectionState.Disconnected, client.State);
        Assert.Empty(reconnecting.Items);
        Assert.Single(_chat.Negotiates);
    }

    [Fact]
    public async Task A_client_stopped_by_the_app_does_not_reconnect()
    {
        var client = CreateClient();
        var reconnecting = new EventLog<Exception?>();
        var closed = new EventLog<Exception?>();
        client.Reconnecting += reconnecting.Handle;
        client.Closed += closed.Handle;
        await client.StartAsync().WaitAsync(Timeouts.Default);

        await client.StopAsync().WaitAsync(Timeouts.Default);
        await client.DisposeAsync().AsTask().WaitAsync(Timeouts.Default);

        Assert.Empty(reconnecting.Items);
        Assert.Equal([null], closed.Items);
        Assert.Single(_chat.Negotiates);
    }
}
