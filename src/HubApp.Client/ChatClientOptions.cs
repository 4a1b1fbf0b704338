using System.Net.WebSockets;
using Microsoft.Extensions.Logging;

namespace HubApp.Client;

/// <summary>How a <see cref="ChatClient"/> connects and reconnects.</summary>
public sealed class ChatClientOptions
{
    /// <summary>The server's base address, e.g. <c>http://127.0.0.1:5080</c>; the hub is at <c>HubMethods.Path</c> below it. Required.</summary>
    public required Uri ServerUrl { get; init; }

    /// <summary>
    /// Returns the bearer token, or null for none. Called on every connect, reconnects included, so it
    /// should hand out a fresh token (the server closes connections whose token expires). Default: none.
    /// </summary>
    public Func<CancellationToken, ValueTask<string?>>? AccessTokenProvider { get; init; }

    /// <summary>Whether a lost connection is re-established, its rooms rejoined and caught up. Default: true.</summary>
    public bool AutoReconnect { get; init; } = true;

    /// <summary>
    /// The wait before each reconnect attempt; the last one repeats. Default: 0 s, 1 s, 2 s, 5 s, 10 s.
    /// </summary>
    public IReadOnlyList<TimeSpan> ReconnectDelays { get; init; } =
        [TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10)];

    /// <summary>How many reconnect attempts are made before <see cref="ChatClient.Closed"/> is raised. Default: 100.</summary>
    public int MaxReconnectAttempts { get; init; } = 100;

    /// <summary>The connection is considered lost when nothing arrives from the server for this long. Default: 30 s.</summary>
    public TimeSpan ServerTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How often a ping is sent when nothing else is; keep it well under the server's client timeout. Default: 15 s.</summary>
    public TimeSpan KeepAliveInterval { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Adjusts each WebSocket before it connects (headers, proxy, certificates). Default: none.</summary>
    public Action<ClientWebSocketOptions>? ConfigureWebSocket { get; init; }

    /// <summary>Where the client and SignalR log. Default: nowhere.</summary>
    public ILoggerFactory? LoggerFactory { get; init; }
}
