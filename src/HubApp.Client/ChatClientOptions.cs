using System.Net;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Http.Connections;
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

    /// <summary>
    /// The transports the client may use. After negotiate it tries them in SignalR's order: WebSockets,
    /// then Server-Sent Events, then long polling. Default: all three.
    /// </summary>
    public HttpTransportType Transports { get; init; } = HttpTransportType.WebSockets | HttpTransportType.ServerSentEvents | HttpTransportType.LongPolling;

    /// <summary>
    /// Connects straight to the hub's WebSocket without the negotiate request, for deployments that
    /// serve WebSockets only. Needs <see cref="Transports"/> to be exactly WebSockets. Without negotiate
    /// there is no connection id and no stateful reconnect. Default: false.
    /// </summary>
    public bool SkipNegotiation { get; init; }

    /// <summary>
    /// Asks the server for batched presence (<c>?presence=batched</c>, docs/protocol.md "Batched presence"): a room's joins and
    /// leaves come as one <c>PresenceChanged</c> at most every 200 ms, which the client raises as <see cref="ChatClient.UserJoined"/>
    /// and <see cref="ChatClient.UserLeft"/> (one per user named, leaves first; <c>At</c> is when the server sent the batch). So
    /// a user who joined and left within one window is raised as left only, and one who left and came back as joined only: fine
    /// for a member list, not for a log of every join. Default: false, every change raised as it happens.
    /// </summary>
    public bool BatchedPresence { get; init; }

    /// <summary>The hub protocol. Default: <see cref="ChatProtocol.Json"/>.</summary>
    public ChatProtocol Protocol { get; init; } = ChatProtocol.Json;

    /// <summary>
    /// Asks for SignalR's stateful reconnect: when a WebSocket drops, the client reconnects it at once to
    /// the same server connection and both sides resend what the other has not acknowledged, so a short
    /// network drop loses nothing and needs no rejoin (no <see cref="ChatClient.Reconnecting"/> is raised).
    /// Drops it cannot bridge (a host restart, the server's connection gone) fall back to a new connection
    /// and the rejoin of <see cref="AutoReconnect"/>. Needs negotiate and the WebSockets transport; the
    /// server must allow it. Default: true.
    /// </summary>
    public bool StatefulReconnect { get; init; } = true;

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

    /// <summary>
    /// The HTTP proxy for every request (negotiate, WebSocket, SSE, long polling). Default: null, which
    /// leaves the platform's default proxy settings (<c>HTTP_PROXY</c>, <c>HTTPS_PROXY</c>, <c>NO_PROXY</c>) in effect.
    /// </summary>
    public IWebProxy? Proxy { get; init; }

    /// <summary>Headers added to every request (negotiate, WebSocket handshake, SSE, long polling). Default: none.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    /// <summary>Adjusts each WebSocket before it connects (certificates, keep-alive, headers for the handshake only). Default: none.</summary>
    public Action<ClientWebSocketOptions>? ConfigureWebSocket { get; init; }

    /// <summary>
    /// How many sends (<see cref="ChatClient.SendMessageAsync"/>, <see cref="ChatClient.SendDirectMessageAsync"/>) may be
    /// waiting to be stored at once; one more fails at once with <see cref="ChatOutboxFullException"/>. Default: 100.
    /// </summary>
    public int MaxPendingSends { get; init; } = 100;

    /// <summary>The pause before a send refused with <c>rate_limited</c> is tried again (same clientMessageId). Default: 250 ms.</summary>
    public TimeSpan RateLimitedRetryDelay { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// The waits before a send refused with <c>unavailable</c> (the store cannot take it now) is tried again; the last one
    /// repeats. Default: 0.5 s, 1 s, 2 s, 5 s.
    /// </summary>
    public IReadOnlyList<TimeSpan> UnavailableRetryDelays { get; init; } =
        [TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5)];

    /// <summary>
    /// How many times in a row one send may lose its connection while in flight before it fails: a message the server
    /// cannot read (over its receive size limit) closes the connection each time it arrives, and must not be posted
    /// after every reconnect for ever. Default: 10.
    /// </summary>
    public int MaxInterruptedSendAttempts { get; init; } = 10;

    /// <summary>Where the client and SignalR log. Default: nowhere.</summary>
    public ILoggerFactory? LoggerFactory { get; init; }
}
