using System.Net;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace HubApp.Backplane.Redis;

/// <summary>
/// The one Redis connection of this node, shared by SignalR's Redis lifetime manager (through its
/// <c>ConnectionFactory</c>) and HubApp's room channels (<see cref="RedisRoomLog"/>). It never gives up: after a
/// loss StackExchange.Redis reconnects by itself, and <see cref="DisconnectedSince"/> feeds <c>/health</c>.
/// <see cref="Restored"/> tells the channels when what they missed must be read from the store.
/// </summary>
/// <remarks>
/// Every channel is prefixed with <c>Backplane:Channel</c>, so clusters can share one Redis. On a Redis Cluster a
/// killed master never comes back under its endpoint: the outage ends once a connected primary serves every hash slot
/// again (its replica took over), not when the lost endpoint reconnects. Until then this checks twice a second.
/// </remarks>
internal sealed partial class RedisConnection : IAsyncDisposable
{
    private readonly ConfigurationOptions _configuration;
    private readonly ILogger<RedisConnection> _logger;
    private readonly Lazy<Task<IConnectionMultiplexer>> _connection;
    private readonly TimeProvider _time;
    private static readonly TimeSpan RecheckInterval = TimeSpan.FromMilliseconds(500);
    private const int HashSlots = 16384;

    // The endpoints whose subscription connection failed and has not been restored; guarded by itself, as are the
    // transitions of DisconnectedSince.
    private readonly HashSet<EndPoint> _down = [];
    private readonly CancellationTokenSource _disposing = new();
    private int _rechecking;

    public RedisConnection(IOptions<BackplaneOptions> options, TimeProvider time, ILogger<RedisConnection> logger)
    {
        _configuration = ConfigurationOptions.Parse(options.Value.RedisConnectionString ?? string.Empty);
        // Start even when Redis is down (the start-up check reports it), and reconnect for ever after.
        _configuration.AbortOnConnectFail = false;
        _configuration.ChannelPrefix = RedisChannel.Literal(options.Value.Channel + ":");
        _configuration.ClientName ??= "HubApp";
        _logger = logger;
        _time = time;
        _connection = new(ConnectAsync);
    }

    /// <summary>Where it connects, for messages (no password: the endpoints only).</summary>
    public string Endpoints => string.Join(",", _configuration.EndPoints.Select(e => e.ToString()));

    /// <summary>When the connection was lost (or, before the first connect, null too); null while connected.</summary>
    public DateTime? DisconnectedSince { get; private set; }

    /// <summary>
    /// Raised once per outage, when every subscription can be served again: what was published meanwhile did not arrive.
    /// Raised on StackExchange.Redis's event thread or a timer's; handlers start their work and return.
    /// </summary>
    public event Action? Restored;

    public Task<IConnectionMultiplexer> GetAsync() => _connection.Value;

    public async ValueTask DisposeAsync()
    {
        await _disposing.CancelAsync();
        if (_connection.IsValueCreated && _connection.Value.IsCompletedSuccessfully)
        {
            try
            {
                await _connection.Value.Result.CloseAsync(allowCommandsToComplete: false);
            }
            catch (Exception ex) when (ex is RedisException or ObjectDisposedException or TimeoutException)
            {
                // Redis is gone already; nothing to close.
            }

            _connection.Value.Result.Dispose();
        }
    }

    private async Task<IConnectionMultiplexer> ConnectAsync()
    {
        var multiplexer = await ConnectionMultiplexer.ConnectAsync(_configuration);
        if (!multiplexer.IsConnected)
        {
            DisconnectedSince = _time.GetUtcNow().UtcDateTime;
            StartRechecking(multiplexer);
        }

        multiplexer.ConnectionFailed += (_, e) =>
        {
            if (e.ConnectionType != ConnectionType.Subscription)
            {
                return;
            }

            bool first;
            lock (_down)
            {
                if (e.EndPoint is { } endpoint)
                {
                    _down.Add(endpoint);
                }

                first = DisconnectedSince is null;
                DisconnectedSince ??= _time.GetUtcNow().UtcDateTime;
            }

            if (first)
            {
                LogLost(_logger, Endpoints, e.FailureType, e.Exception);
            }

            StartRechecking(multiplexer);
        };
        multiplexer.ConnectionRestored += (_, e) =>
        {
            if (e.ConnectionType == ConnectionType.Subscription)
            {
                lock (_down)
                {
                    if (e.EndPoint is { } endpoint)
                    {
                        _down.Remove(endpoint);
                    }
                }

                Recheck(multiplexer);
            }
        };
        // A failover is seen as a change of the cluster's configuration; the timer catches it too, only later.
        multiplexer.ConfigurationChanged += (_, _) => Recheck(multiplexer);
        return multiplexer;
    }

    // Not evaluated in the failure's own handler: the endpoint's other connection may not be marked lost yet.
    private void StartRechecking(IConnectionMultiplexer multiplexer)
    {
        if (Interlocked.Exchange(ref _rechecking, 1) == 1)
        {
            return;
        }

        _ = Task.Run(async () =>
        {
            try
            {
                while (DisconnectedSince is not null)
                {
                    await Task.Delay(RecheckInterval, _time, _disposing.Token);
                    Recheck(multiplexer);
                }
            }
            catch (OperationCanceledException)
            {
                // The node is stopping.
            }
            finally
            {
                Volatile.Write(ref _rechecking, 0);
            }

            // A loss between the loop's last look and the reset above would otherwise go unwatched.
            if (DisconnectedSince is not null && !_disposing.IsCancellationRequested)
            {
                StartRechecking(multiplexer);
            }
        });
    }

    private void Recheck(IConnectionMultiplexer multiplexer)
    {
        DateTime since;
        lock (_down)
        {
            if (DisconnectedSince is not { } lost || !multiplexer.IsConnected
                || (_down.Count > 0 && !EverySlotServed(multiplexer, _down)))
            {
                return;
            }

            since = lost;
            _down.Clear();
            DisconnectedSince = null;
        }

        var outage = _time.GetUtcNow().UtcDateTime - since;
        LogRestored(_logger, Endpoints, outage);
        Restored?.Invoke();
    }

    /// <summary>
    /// On a Redis Cluster: whether the newest cluster configuration a connected node gave has every hash slot on a
    /// primary that is connected and not among <paramref name="down"/> (whose other connection may still look alive).
    /// False on a single Redis, where only the lost endpoint's return ends the outage.
    /// </summary>
    private static bool EverySlotServed(IConnectionMultiplexer multiplexer, HashSet<EndPoint> down)
    {
        var servers = multiplexer.GetServers();
        var connected = servers.Where(s => s.IsConnected && !down.Contains(s.EndPoint)).Select(s => s.EndPoint).ToHashSet();
        // Each node keeps the configuration it last reported; after a failover only those read since show the new primary.
        return servers.Any(server =>
            connected.Contains(server.EndPoint) && server.ServerType == ServerType.Cluster && server.ClusterConfiguration is { } configuration
            && configuration.Nodes.Where(n => !n.IsReplica && n.Slots.Count > 0) is var primaries
            && primaries.Sum(n => n.Slots.Sum(r => r.To - r.From + 1)) == HashSlots
            && primaries.All(n => n.EndPoint is { } endpoint && connected.Contains(endpoint)));
    }

    [LoggerMessage(EventId = 55, Level = LogLevel.Warning, Message = "Lost Redis at {Endpoints} ({FailureType}); reconnecting. Messages are still stored and reach this node's members; the other nodes' get them once Redis is back.")]
    private static partial void LogLost(ILogger logger, string endpoints, ConnectionFailureType failureType, Exception? exception);

    [LoggerMessage(EventId = 56, Level = LogLevel.Information, Message = "Redis at {Endpoints} is back after {Outage}; rooms catch up from the store.")]
    private static partial void LogRestored(ILogger logger, string endpoints, TimeSpan outage);
}
