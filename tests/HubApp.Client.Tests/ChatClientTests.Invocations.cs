using System.Net;
using HubApp.Client.Tests.TestHost;
using HubApp.Contracts;

namespace HubApp.Client.Tests;

public sealed partial class ChatClientTests
{
    [Fact]
    public async Task Ping_round_trips_and_ConnectionId_is_the_servers_id_for_the_connection()
    {
        var client = CreateClient();
        await client.StartAsync().WaitAsync(Timeouts.Default);

        Assert.Equal("pong", await client.PingAsync().WaitAsync(Timeouts.Default));
        Assert.Equal(ChatConnectionState.Connected, client.State);
        Assert.Equal(_chat.Connections.Keys.Single(), client.ConnectionId);
    }

    [Fact]
    public async Task A_sent_message_is_returned_and_raised_once_to_the_sender()
    {
        var (client, messages) = await StartJoinedClientAsync();

        var sent = await client.SendMessageAsync(Room, "hello \U0001F600 \u4f60\u597d").WaitAsync(Timeouts.Default);
        await messages.WaitForCountAsync(1);

        Assert.Equal("hello \U0001F600 \u4f60\u597d", sent.Text);
        Assert.Equal([sent], messages.Items);
    }

    [Fact]
    public async Task A_refused_invocation_throws_a_ChatException_with_the_servers_code()
    {
        var client = CreateClient();
        await client.StartAsync().WaitAsync(Timeouts.Default);

        var error = await Assert.ThrowsAsync<ChatException>(() => client.SendMessageAsync("elsewhere", "hi").WaitAsync(Timeouts.Default));

        Assert.Equal(ErrorCodes.NotInRoom, error.Code);
        Assert.Equal("pong", await client.PingAsync().WaitAsync(Timeouts.Default));
    }

    [Fact]
    public async Task Invoking_before_starting_throws_InvalidOperationException()
    {
        var client = CreateClient();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => client.PingAsync());

        Assert.Contains("Disconnected", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refused_negotiate_fails_StartAsync_with_status_401()
    {
        _chat.RejectStatus = 401;
        var client = CreateClient(_ => ValueTask.FromResult<string?>("expired"));

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => client.StartAsync().WaitAsync(Timeouts.Default));

        Assert.Equal(HttpStatusCode.Unauthorized, error.StatusCode);
        Assert.Equal(ChatConnectionState.Disconnected, client.State);
    }

    [Fact]
    public async Task The_access_token_reaches_negotiate_and_the_websocket_as_a_bearer_header()
    {
        var client = CreateClient(_ => ValueTask.FromResult<string?>("a+b/c=d&e f"));

        await client.StartAsync().WaitAsync(Timeouts.Default);

        var requests = _chat.Requests.ToArray();
        Assert.Equal([(true, false), (false, true)], requests.Select(r => (r.Negotiate, r.WebSocket)));
        Assert.All(requests, r => Assert.Equal("Bearer a+b/c=d&e f", r.Authorization));
        // Outside a browser the official client keeps the token out of the URL, so out of request logs.
        Assert.All(requests, r => Assert.Null(r.AccessTokenQuery));
    }

    [Fact]
    public async Task The_websocket_can_be_configured_by_the_app()
    {
        var client = CreateClient(configureWebSocket: o => o.SetRequestHeader("Origin", "https://chat.example"));

        await client.StartAsync().WaitAsync(Timeouts.Default);

        Assert.Equal(["https://chat.example"], _chat.Requests.Where(r => r.WebSocket).Select(r => r.Origin));
    }

    [Fact]
    public async Task Joining_returns_the_snapshot_unchanged_and_tracks_the_lowercase_room()
    {
        var first = _chat.Append(Room, "one");
        var second = _chat.Append(Room, "two");
        var client = CreateClient();
        await client.StartAsync().WaitAsync(Timeouts.Default);

        var snapshot = await client.JoinRoomAsync("LoBBy").WaitAsync(Timeouts.Default);

        Assert.Equal(Room, snapshot.Room);
        Assert.Equal([first, second], snapshot.Messages);
        Assert.True(snapshot.Complete);
        Assert.Equal(second.Id, client.LastSeenIds[Room]);
    }
}
