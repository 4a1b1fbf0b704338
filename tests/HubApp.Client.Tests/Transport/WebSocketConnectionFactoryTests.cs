using System.Net;
using HubApp.Client.Tests.TestHost;
using HubApp.Client.Transport;
using HubApp.Contracts;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace HubApp.Client.Tests.Transport;

// Drives a real HubConnection over our transport against a real Kestrel server.
public sealed class WebSocketConnectionFactoryTests : IAsyncLifetime
{
    private TestServer _host = null!;
    private EchoServer _echo = null!;

    public async Task InitializeAsync() => (_host, _echo) = await EchoServer.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task An_invocation_round_trips()
    {
        await using var connection = await ConnectAsync();

        var echoed = await connection.InvokeAsync<string>(nameof(EchoHub.Echo), "hello").WaitAsync(Timeouts.Default);

        Assert.Equal("hello", echoed);
    }

    [Fact]
    public async Task A_server_event_reaches_the_client()
    {
        await using var connection = await ConnectAsync();
        var shouted = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.On<string>(EchoHub.Shouted, text => shouted.TrySetResult(text));

        await connection.InvokeAsync(nameof(EchoHub.Shout), "hey").WaitAsync(Timeouts.Default);

        Assert.Equal("hey", await shouted.Task.WaitAsync(Timeouts.Default));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(64 * 1024)]
    public async Task Multi_byte_characters_round_trip_intact_both_ways(int minimumLength)
    {
        await using var connection = await ConnectAsync();
        var shouted = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.On<string>(EchoHub.Shouted, text => shouted.TrySetResult(text));

        // 1-, 2-, 3- and 4-byte UTF-8 sequences, repeated so that pipe segments and frames split them.
        var text = string.Concat(Enumerable.Repeat("a\u00e9\u4e2d\u6587\U0001F600\u0627", (minimumLength / 8) + 1));

        var echoed = await connection.InvokeAsync<string>(nameof(EchoHub.Echo), text).WaitAsync(Timeouts.Default);
        await connection.InvokeAsync(nameof(EchoHub.Shout), text).WaitAsync(Timeouts.Default);

        Assert.Equal(text, echoed);
        Assert.Equal(text, await shouted.Task.WaitAsync(Timeouts.Default));
    }

    [Fact]
    public async Task Many_concurrent_invocations_all_complete()
    {
        await using var connection = await ConnectAsync();

        var results = await Task.WhenAll(Enumerable.Range(0, 200)
            .Select(i => connection.InvokeAsync<string>(nameof(EchoHub.Echo), $"m{i}\U0001F600"))).WaitAsync(Timeouts.Default);

        Assert.Equal(Enumerable.Range(0, 200).Select(i => $"m{i}\U0001F600"), results);
    }

    [Fact]
    public async Task The_token_is_fetched_on_every_connect()
    {
        var calls = 0;
        await using var connection = await ConnectAsync(_ => ValueTask.FromResult<string?>($"token-{Interlocked.Increment(ref calls)}"));
        await connection.StopAsync().WaitAsync(Timeouts.Default);

        await connection.StartAsync().WaitAsync(Timeouts.Default);

        Assert.Equal(2, calls);
    }

    [Fact]
    public async Task A_connection_closed_by_the_server_is_seen_as_closed_by_the_client()
    {
        await using var connection = await ConnectAsync();
        var closed = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.Closed += error =>
        {
            closed.TrySetResult(error);
            return Task.CompletedTask;
        };

        await connection.SendAsync(nameof(EchoHub.Abort)).WaitAsync(Timeouts.Default);

        await closed.Task.WaitAsync(Timeouts.Default);
        Assert.Equal(HubConnectionState.Disconnected, connection.State);
    }

    [Fact]
    public async Task Stopping_closes_the_socket_cleanly()
    {
        var connection = await ConnectAsync();

        await connection.DisposeAsync().AsTask().WaitAsync(Timeouts.Default);

        // The server passes an exception to OnDisconnectedAsync only when the connection did not close cleanly.
        Assert.Null(await _echo.Disconnected.Task.WaitAsync(Timeouts.Default));
    }

    [Fact]
    public async Task A_refused_upgrade_fails_with_the_status_code()
    {
        await using var chatHost = await StartRejectingServerAsync(401);
        await using var connection = new HubConnectionBuilder()
            .WithWebSocket(new Uri(chatHost.Url, HubMethods.Path), _ => ValueTask.FromResult<string?>("expired"), null)
            .Build();

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => connection.StartAsync().WaitAsync(Timeouts.Default));

        Assert.Equal(HttpStatusCode.Unauthorized, error.StatusCode);
        Assert.DoesNotContain("expired", error.Message, StringComparison.Ordinal);
    }

    private static async Task<TestServer> StartRejectingServerAsync(int status)
    {
        var (host, chat) = await FakeChatServer.StartAsync();
        chat.RejectStatus = status;
        return host;
    }

    private async Task<HubConnection> ConnectAsync(Func<CancellationToken, ValueTask<string?>>? tokenProvider = null)
    {
        var connection = new HubConnectionBuilder()
            .WithWebSocket(new Uri(_host.Url, EchoHub.Path), tokenProvider, null)
            .AddJsonProtocol(o => o.PayloadSerializerOptions.Encoder = EchoServer.RawUtf8)
            .Build();
        await connection.StartAsync().WaitAsync(Timeouts.Default);
        return connection;
    }
}
