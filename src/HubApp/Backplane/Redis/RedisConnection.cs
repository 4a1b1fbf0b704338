using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace HubApp.Backplane.Redis;

/// <summary>
/// The one Redis connection of this node, shared by SignalR's Redis lifetime manager (through its
/// <c>ConnectionFactory</c>) and HubApp's room channels (<see cref="RedisRoomLog"/>). It never gives up: after a
/// loss StackExchange.Redis reconnects by itself, and <see cref="DisconnectedSince"/> feeds <c>/health</c>.
/// </summary>
/// <remarks>Every channel is prefixed with <c>Backplane:Channel</c>, so clusters can share one Redis.</remarks>
internal sealed partial class RedisConnection : IAsyncDisposable
{
    private readonly ConfigurationOptions _configuration;
    private readonly ILogger<RedisConnection> _logger;
    private readonly Lazy<Task<IConnectionMultiplexer>> _connection;
    private readonly TimeProvider _time;

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

    public Task<IConnectionMultiplexer> GetAsync() => _connection.Value;

    public async ValueTask DisposeAsync()
    {
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
        }

        multiplexer.ConnectionFailed += (_, e) =>
        {
            if (e.ConnectionType == ConnectionType.Subscription && DisconnectedSince is null)
            {
                DisconnectedSince = _time.GetUtcNow().UtcDateTime;
                LogLost(_logger, Endpoints, e.FailureType, e.Exception);
            }
        };
        multiplexer.ConnectionRestored += (_, e) =>
        {
            if (e.ConnectionType == ConnectionType.Subscription && DisconnectedSince is { } since)
            {
                DisconnectedSince = null;
                var outage = _time.GetUtcNow().UtcDateTime - since;
                LogRestored(_logger, Endpoints, outage);
            }
        };
        return multiplexer;
    }

    [LoggerMessage(EventId = 55, Level = LogLevel.Warning, Message = "Lost Redis at {Endpoints} ({FailureType}); reconnecting. Messages are still stored and reach this node's members; the other nodes' get them once Redis is back.")]
    private static partial void LogLost(ILogger logger, string endpoints, ConnectionFailureType failureType, Exception? exception);

    [LoggerMessage(EventId = 56, Level = LogLevel.Information, Message = "Redis at {Endpoints} is back after {Outage}; rooms catch up from the store.")]
    private static partial void LogRestored(ILogger logger, string endpoints, TimeSpan outage);
}
