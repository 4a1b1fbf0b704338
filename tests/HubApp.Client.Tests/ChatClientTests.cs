using System.Net.WebSockets;
using HubApp.Client.Tests.TestHost;
using HubApp.Contracts;

namespace HubApp.Client.Tests;

// ChatClient against a scriptable hub on a real Kestrel server; one file per topic.
public sealed partial class ChatClientTests : IAsyncLifetime
{
    private const string Room = "lobby";
    private readonly List<ChatClient> _clients = [];
    private TestServer _host = null!;
    private FakeChatServer _chat = null!;

    public async Task InitializeAsync() => (_host, _chat) = await FakeChatServer.StartAsync();

    public async Task DisposeAsync()
    {
        foreach (var client in _clients)
        {
            await client.DisposeAsync().AsTask().WaitAsync(Timeouts.Default);
        }

        await _host.DisposeAsync();
    }

    private ChatClient CreateClient(
        Func<CancellationToken, ValueTask<string?>>? accessTokenProvider = null,
        bool autoReconnect = true,
        int maxReconnectAttempts = 100,
        TimeSpan? reconnectDelay = null,
        Action<ClientWebSocketOptions>? configureWebSocket = null) =>
        CreateClient(new ChatClientOptions
        {
            ServerUrl = _host.Url,
            AccessTokenProvider = accessTokenProvider,
            AutoReconnect = autoReconnect,
            MaxReconnectAttempts = maxReconnectAttempts,
            ReconnectDelays = [reconnectDelay ?? TimeSpan.Zero],
            ConfigureWebSocket = configureWebSocket,
        });

    private ChatClient CreateClient(ChatClientOptions options)
    {
        var client = new ChatClient(options);
        _clients.Add(client);
        return client;
    }

    private async Task<(ChatClient Client, EventLog<ChatMessage> Messages)> StartJoinedClientAsync()
    {
        var client = CreateClient();
        var messages = new EventLog<ChatMessage>();
        client.MessageReceived += messages.Handle;
        await client.StartAsync().WaitAsync(Timeouts.Default);
        await client.JoinRoomAsync(Room).WaitAsync(Timeouts.Default);
        return (client, messages);
    }

    private static long[] Ids(IEnumerable<ChatMessage> messages) => [.. messages.Select(m => m.Id)];
}
