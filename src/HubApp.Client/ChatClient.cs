using HubApp.Client.Internal;
using HubApp.Contracts;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Http.Connections.Client;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace HubApp.Client;

/// <summary>
/// A connection to the HubApp chat hub that keeps the app's view of its rooms whole: every message of
/// a joined room is raised once and in id order, across reconnects.
/// </summary>
/// <remarks>
/// Built on SignalR's own client (<c>HubConnectionBuilder().WithUrl(...)</c>): negotiate, transport fallback,
/// stateful reconnect and the reconnect policy are SignalR's; the rooms and their catch-up are ours.
/// Thread-safety: the app may call any member from any thread. Server events arrive on SignalR's
/// receive loop, reconnects run on a task of their own; <see cref="_gate"/> guards the state they share
/// and is never held across an await. Event handlers run one at a time on a dispatcher task, in order,
/// never on the receive loop, so a handler may itself invoke hub methods.
/// </remarks>
public sealed partial class ChatClient : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly ChatClientOptions _options;
    private readonly HubConnection _hub;
    private readonly ILogger _logger;
    private readonly EventDispatcher _events;
    private readonly ReconnectPolicy _policy;

    // Guarded by _gate. Keys are lowercase room names.
    private readonly Dictionary<string, RoomTracker> _rooms = new(StringComparer.Ordinal);
    private ChatConnectionState _state;
    private CancellationTokenSource? _reconnectCts;
    private Task? _reconnectLoop;
    private bool _disposed;

    public ChatClient(ChatClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Validate(options);
        _options = options;

        var loggerFactory = options.LoggerFactory ?? NullLoggerFactory.Instance;
        _logger = loggerFactory.CreateLogger<ChatClient>();
        _events = new EventDispatcher(_logger);

        _policy = new ReconnectPolicy(options.ReconnectDelays, options.MaxReconnectAttempts);

        var builder = new HubConnectionBuilder().WithUrl(HubUrl(options.ServerUrl, options.BatchedPresence), options.Transports, http => ConfigureHttp(http, options));
        if (options.Protocol == ChatProtocol.MessagePack)
        {
            builder.AddMessagePackProtocol();
        }

        if (options.StatefulReconnect && !options.SkipNegotiation)
        {
            builder.WithStatefulReconnect();
        }

        if (options.AutoReconnect)
        {
            builder.WithAutomaticReconnect(_policy);
        }

        builder.Services.AddSingleton(loggerFactory);
        _hub = builder.Build();
        _http = CreateHttpClient(options);
        _hub.ServerTimeout = options.ServerTimeout;
        _hub.KeepAliveInterval = options.KeepAliveInterval;
        _hub.Reconnecting += OnHubReconnectingAsync;
        _hub.Reconnected += OnHubReconnectedAsync;
        _hub.Closed += OnHubClosedAsync;
        RegisterServerEvents();
    }

    public ChatConnectionState State
    {
        get
        {
            lock (_gate)
            {
                return _state;
            }
        }
    }

    /// <summary>
    /// The server's id for the current connection, from negotiate: the same across a stateful reconnect, a new
    /// one after any other reconnect. Null while disconnected, and always with <see cref="ChatClientOptions.SkipNegotiation"/>.
    /// </summary>
    public string? ConnectionId => _hub.ConnectionId;

    /// <summary>
    /// Connects, then syncs direct messages in the background (raising, through <see cref="DirectMessageReceived"/>,
    /// those after <see cref="LastDirectMessageId"/>, or the latest ones for a client that has seen none). Rooms tracked
    /// by an earlier session are forgotten: join them again, with <see cref="LastSeenIds"/> as sinceId.
    /// </summary>
    /// <remarks>
    /// Failures are SignalR's: a refused negotiate throws <see cref="HttpRequestException"/> with its status code
    /// (401, 429); when every allowed transport failed, an <see cref="AggregateException"/> of one
    /// <c>TransportFailedException</c> per transport; with <see cref="ChatClientOptions.SkipNegotiation"/>, the
    /// WebSocket's own <see cref="System.Net.WebSockets.WebSocketException"/>.
    /// </remarks>
    public async Task StartAsync(CancellationToken ct = default)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_state != ChatConnectionState.Disconnected)
            {
                throw new InvalidOperationException($"The chat client is already {_state}; stop it before starting it again.");
            }

            SetState(ChatConnectionState.Connecting);
            _rooms.Clear();
            _policy.Reset();
        }

        try
        {
            await _hub.StartAsync(ct).ConfigureAwait(false);
        }
        catch
        {
            lock (_gate)
            {
                if (_state == ChatConnectionState.Connecting)
                {
                    SetState(ChatConnectionState.Disconnected);
                }
            }

            throw;
        }

        lock (_gate)
        {
            if (_state == ChatConnectionState.Connecting)
            {
                SetState(ChatConnectionState.Connected);
                _ = Task.Run(SyncDirectAfterStartAsync, CancellationToken.None);
                return;
            }
        }

        // StopAsync ran while the connection was being made.
        await _hub.StopAsync(CancellationToken.None).ConfigureAwait(false);
        throw new OperationCanceledException("The chat client was stopped while it was starting.");
    }

    /// <summary>Disconnects, ending any reconnect in progress, and raises <see cref="Closed"/> with null if it was started.</summary>
    public async Task StopAsync(CancellationToken ct = default)
    {
        CancellationTokenSource? reconnectCts;
        Task? reconnectLoop;
        bool wasStarted;
        lock (_gate)
        {
            wasStarted = _state != ChatConnectionState.Disconnected;
            SetState(ChatConnectionState.Disconnected);
            reconnectCts = _reconnectCts;
            reconnectLoop = _reconnectLoop;
            _reconnectCts = null;
            _reconnectLoop = null;
        }

        if (reconnectCts is not null)
        {
            await reconnectCts.CancelAsync().ConfigureAwait(false);
        }

        if (reconnectLoop is not null)
        {
            await reconnectLoop.WaitAsync(ct).ConfigureAwait(false);
        }

        reconnectCts?.Dispose();
        await _hub.StopAsync(ct).ConfigureAwait(false);
        if (wasStarted)
        {
            Log.Stopped(_logger);
            _events.Raise(Closed, null, nameof(Closed));
        }
    }

    /// <summary>Stops, then waits for queued event handlers to run (unless called from one of them).</summary>
    public async ValueTask DisposeAsync()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
        }

        await StopAsync().ConfigureAwait(false);
        await _hub.DisposeAsync().ConfigureAwait(false);
        _http.Dispose();
        var draining = _events.DrainAsync();
        if (!_events.InHandler)
        {
            await draining.ConfigureAwait(false);
        }
    }

    private static Uri HubUrl(Uri serverUrl, bool batchedPresence) =>
        new(BaseUrl(serverUrl), HubMethods.Path.TrimStart('/') + (batchedPresence ? $"?{PresenceModes.QueryParameter}={PresenceModes.Batched}" : string.Empty));

    // With a trailing slash, so that paths resolve below it (a server at http://host/chat/ keeps its /chat/).
    private static Uri BaseUrl(Uri serverUrl) => serverUrl.AbsoluteUri.EndsWith('/') ? serverUrl : new Uri(serverUrl.AbsoluteUri + "/");

    private static void ConfigureHttp(HttpConnectionOptions http, ChatClientOptions options)
    {
        if (options.AccessTokenProvider is { } provider)
        {
            // SignalR's provider takes no cancellation token; it asks on every connect, for negotiate and the transport.
            http.AccessTokenProvider = async () => await provider(CancellationToken.None).ConfigureAwait(false);
        }

        http.SkipNegotiation = options.SkipNegotiation;
        http.Proxy = options.Proxy;
        foreach (var (name, value) in options.Headers)
        {
            http.Headers[name] = value;
        }

        http.WebSocketConfiguration = options.ConfigureWebSocket;
    }

    private static void Validate(ChatClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options.ServerUrl, nameof(options.ServerUrl));
        if (!options.ServerUrl.IsAbsoluteUri)
        {
            throw new ArgumentException($"{nameof(options.ServerUrl)} must be absolute, e.g. http://127.0.0.1:5080.", nameof(options));
        }

        if (options.ReconnectDelays is null || options.ReconnectDelays.Count == 0 || options.ReconnectDelays.Any(d => d < TimeSpan.Zero))
        {
            throw new ArgumentException($"{nameof(options.ReconnectDelays)} needs at least one delay, none negative.", nameof(options));
        }

        const HttpTransportType every = HttpTransportType.WebSockets | HttpTransportType.ServerSentEvents | HttpTransportType.LongPolling;
        if ((options.Transports & every) == HttpTransportType.None || (options.Transports & ~every) != HttpTransportType.None)
        {
            throw new ArgumentException($"{nameof(options.Transports)} needs at least one of WebSockets, ServerSentEvents and LongPolling, and nothing else.", nameof(options));
        }

        if (options.SkipNegotiation && options.Transports != HttpTransportType.WebSockets)
        {
            throw new ArgumentException($"{nameof(options.SkipNegotiation)} works only with WebSockets: set {nameof(options.Transports)} to WebSockets alone.", nameof(options));
        }

        if (options.Protocol == ChatProtocol.MessagePack && options.Transports == HttpTransportType.ServerSentEvents)
        {
            throw new ArgumentException(
                $"MessagePack is binary and Server-Sent Events carry only text: use {nameof(ChatProtocol)}.{nameof(ChatProtocol.Json)} over SSE, or allow WebSockets or LongPolling.",
                nameof(options));
        }

        ArgumentNullException.ThrowIfNull(options.Headers, nameof(options.Headers));
        ArgumentOutOfRangeException.ThrowIfNegative(options.MaxReconnectAttempts, nameof(options.MaxReconnectAttempts));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxPendingSends, 1, nameof(options.MaxPendingSends));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.RateLimitedRetryDelay, TimeSpan.Zero, nameof(options.RateLimitedRetryDelay));
        if (options.UnavailableRetryDelays is null || options.UnavailableRetryDelays.Count == 0 || options.UnavailableRetryDelays.Any(d => d < TimeSpan.Zero))
        {
            throw new ArgumentException($"{nameof(options.UnavailableRetryDelays)} needs at least one delay, none negative.", nameof(options));
        }

        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.ServerTimeout, TimeSpan.Zero, nameof(options.ServerTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.KeepAliveInterval, TimeSpan.Zero, nameof(options.KeepAliveInterval));
    }

    private void EnsureConnected()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_state != ChatConnectionState.Connected)
            {
                throw new InvalidOperationException(
                    $"The chat client is {_state}: hub methods can be invoked only when it is Connected (after StartAsync, or once Reconnected was raised).");
            }
        }
    }

    private async Task<T> InvokeCoreAsync<T>(string method, object?[] args, CancellationToken ct)
    {
        try
        {
            return await _hub.InvokeCoreAsync<T>(method, args, ct).ConfigureAwait(false);
        }
        catch (HubException ex)
        {
            throw new ChatException(ex.Message, ex);
        }
    }

    private async Task InvokeCoreAsync(string method, object?[] args, CancellationToken ct)
    {
        try
        {
            await _hub.InvokeCoreAsync(method, args, ct).ConfigureAwait(false);
        }
        catch (HubException ex)
        {
            throw new ChatException(ex.Message, ex);
        }
    }
}
