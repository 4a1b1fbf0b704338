using HubApp.Client.Internal;
using HubApp.Client.Transport;
using HubApp.Contracts;
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

        var builder = new HubConnectionBuilder().WithWebSocket(HubUrl(options.ServerUrl), options.AccessTokenProvider, options.ConfigureWebSocket);
        builder.Services.AddSingleton(loggerFactory);
        _hub = builder.Build();
        _hub.ServerTimeout = options.ServerTimeout;
        _hub.KeepAliveInterval = options.KeepAliveInterval;
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

    /// <summary>The transport's id for this connection, for logs; the client skips negotiate, so the server's id is not known.</summary>
    public string? ConnectionId => _hub.ConnectionId;

    /// <summary>Connects. Rooms tracked by an earlier session are forgotten: join them again, with <see cref="LastSeenIds"/> as sinceId.</summary>
    public async Task StartAsync(CancellationToken ct = default)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_state != ChatConnectionState.Disconnected)
            {
                throw new InvalidOperationException($"The chat client is already {_state}; stop it before starting it again.");
            }

            _state = ChatConnectionState.Connecting;
            _rooms.Clear();
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
                    _state = ChatConnectionState.Disconnected;
                }
            }

            throw;
        }

        lock (_gate)
        {
            if (_state == ChatConnectionState.Connecting)
            {
                _state = ChatConnectionState.Connected;
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
            _state = ChatConnectionState.Disconnected;
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
        var draining = _events.DrainAsync();
        if (!_events.InHandler)
        {
            await draining.ConfigureAwait(false);
        }
    }

    private static Uri HubUrl(Uri serverUrl)
    {
        var baseUrl = serverUrl.AbsoluteUri.EndsWith('/') ? serverUrl : new Uri(serverUrl.AbsoluteUri + "/");
        return new Uri(baseUrl, HubMethods.Path.TrimStart('/'));
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

        ArgumentOutOfRangeException.ThrowIfNegative(options.MaxReconnectAttempts, nameof(options.MaxReconnectAttempts));
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
