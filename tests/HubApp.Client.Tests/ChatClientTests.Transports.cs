using System.Net;
using System.Net.WebSockets;
using HubApp.Client.Tests.TestHost;
using HubApp.Contracts;
using Microsoft.AspNetCore.Http.Connections;

namespace HubApp.Client.Tests;

// What ChatClientOptions hands to SignalR's client: transports, negotiate, headers, proxy, protocol.
public sealed partial class ChatClientTests
{
    [Theory]
    [InlineData(HttpTransportType.WebSockets)]
    [InlineData(HttpTransportType.ServerSentEvents)]
    [InlineData(HttpTransportType.LongPolling)]
    public async Task A_client_restricted_to_one_transport_joins_and_sends_over_it(HttpTransportType transport)
    {
        var client = CreateClient(new ChatClientOptions { ServerUrl = _host.Url, Transports = transport });
        var messages = new EventLog<HubApp.Contracts.ChatMessage>();
        client.MessageReceived += messages.Handle;
        await client.StartAsync().WaitAsync(Timeouts.Default);
        await client.JoinRoomAsync(Room).WaitAsync(Timeouts.Default);

        var sent = await client.SendMessageAsync(Room, "over " + transport).WaitAsync(Timeouts.Default);
        await messages.WaitForCountAsync(1);

        Assert.Equal([sent], messages.Items);
        Assert.Equal(transport == HttpTransportType.WebSockets, _chat.Requests.Any(r => r.WebSocket));
    }

    [Fact]
    public async Task When_the_websocket_is_refused_the_client_falls_back_to_another_transport()
    {
        var client = CreateClient(configureWebSocket: o => o.SetRequestHeader("Origin", "https://refused.example"));
        _chat.RejectWebSocketsFrom = "https://refused.example";

        await client.StartAsync().WaitAsync(Timeouts.Default);

        Assert.Equal("pong", await client.PingAsync().WaitAsync(Timeouts.Default));
        Assert.Contains(_chat.Requests, r => r.WebSocket);
        Assert.Contains(_chat.Requests, r => !r.WebSocket && !r.Negotiate);
    }

    [Fact]
    public async Task SkipNegotiation_connects_straight_to_the_websocket_and_has_no_connection_id()
    {
        var client = CreateClient(new ChatClientOptions
        {
            ServerUrl = _host.Url,
            Transports = HttpTransportType.WebSockets,
            SkipNegotiation = true,
            AccessTokenProvider = _ => ValueTask.FromResult<string?>("t"),
        });

        await client.StartAsync().WaitAsync(Timeouts.Default);

        Assert.Equal("pong", await client.PingAsync().WaitAsync(Timeouts.Default));
        Assert.Equal([(false, true, "Bearer t")], _chat.Requests.Select(r => (r.Negotiate, r.WebSocket, r.Authorization)));
        Assert.Null(client.ConnectionId);
    }

    [Fact]
    public async Task A_refused_websocket_without_negotiate_fails_StartAsync()
    {
        _chat.RejectStatus = 401;
        var client = CreateClient(new ChatClientOptions
        {
            ServerUrl = _host.Url,
            Transports = HttpTransportType.WebSockets,
            SkipNegotiation = true,
            AutoReconnect = false,
        });

        var error = await Assert.ThrowsAnyAsync<Exception>(() => client.StartAsync().WaitAsync(Timeouts.Default));

        Assert.IsType<WebSocketException>(error);
        Assert.Equal(ChatConnectionState.Disconnected, client.State);
    }

    [Fact]
    public async Task Custom_headers_reach_every_request()
    {
        var client = CreateClient(new ChatClientOptions
        {
            ServerUrl = _host.Url,
            Headers = new Dictionary<string, string> { [HubRequest.TestHeaderName] = "yes" },
        });

        await client.StartAsync().WaitAsync(Timeouts.Default);

        Assert.Equal(2, _chat.Requests.Count);
        Assert.All(_chat.Requests, r => Assert.Equal("yes", r.TestHeader));
    }

    [Fact]
    public async Task Every_request_goes_through_the_configured_proxy()
    {
        // The server's own name does not resolve: only the proxy can reach it.
        await using var proxy = HttpProxy.Start(_host.Url);
        var client = CreateClient(new ChatClientOptions
        {
            ServerUrl = new Uri("http://chat.invalid/"),
            Proxy = new WebProxy(proxy.Url),
            Transports = HttpTransportType.WebSockets,
        });

        await client.StartAsync().WaitAsync(Timeouts.Default);

        Assert.Equal("pong", await client.PingAsync().WaitAsync(Timeouts.Default));
        Assert.Equal([(true, false), (false, true)], _chat.Requests.Select(r => (r.Negotiate, r.WebSocket)));
        Assert.Contains(proxy.RequestLines, l => l.StartsWith($"POST http://chat.invalid{HubMethods.Path}/negotiate", StringComparison.Ordinal));
        Assert.Contains("CONNECT chat.invalid:80 HTTP/1.1", proxy.RequestLines);
        await client.StopAsync().WaitAsync(Timeouts.Default);
    }

    [Fact]
    public void MessagePack_over_Server_Sent_Events_alone_is_refused_with_the_reason()
    {
        var error = Assert.Throws<ArgumentException>(() => new ChatClient(new ChatClientOptions
        {
            ServerUrl = _host.Url,
            Transports = HttpTransportType.ServerSentEvents,
            Protocol = ChatProtocol.MessagePack,
        }));

        Assert.Contains("Server-Sent Events carry only text", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(HttpTransportType.None)]
    [InlineData(HttpTransportType.LongPolling)]
    public void SkipNegotiation_is_refused_unless_the_transport_is_WebSockets_alone(HttpTransportType transports)
    {
        Assert.Throws<ArgumentException>(() => new ChatClient(new ChatClientOptions
        {
            ServerUrl = _host.Url,
            Transports = transports,
            SkipNegotiation = true,
        }));
    }
}
