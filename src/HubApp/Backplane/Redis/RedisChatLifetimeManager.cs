using System.Diagnostics.CodeAnalysis;
using HubApp.Contracts;
using HubApp.Hubs;
using HubApp.Presence;
using HubApp.Sending;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.AspNetCore.SignalR.StackExchangeRedis;

namespace HubApp.Backplane.Redis;

/// <summary>
/// SignalR's sends across nodes on Redis: every send, group and connection change goes to SignalR's own Redis
/// lifetime manager (<c>AddStackExchangeRedis</c>), which this wraps. This node's connections and groups are also kept
/// by <see cref="ChatLifetimeManager{THub}"/>, for the sends that must not wait for Redis: the room log, which the
/// <see cref="RoomLogSequencer"/> delivers here in id order (<see cref="RedisRoomLog"/> carries it between nodes), the
/// presence events and the direct messages.
/// </summary>
/// <remarks>
/// <para>
/// A node holds a user's channel of direct messages (<see cref="RedisRoomLog.HoldUserAsync"/>) while it has a connection
/// of the user: a connection is usable only once the subscription is there, and the user's last one here lets it go.
/// </para>
/// <para>
/// Disposing the Redis manager can throw when Redis is gone; a stopping node logs it and exits cleanly.
/// </para>
/// </remarks>
internal sealed partial class RedisChatLifetimeManager<THub> : ChatLifetimeManager<THub>, IDisposable
    where THub : Hub
{
    private readonly RedisHubLifetimeManager<THub> _redis;
    private readonly ILogger _logger;
    private readonly IServiceProvider _services;

    // This node's connections per user: a user's channel is held while there is one. Under its own lock, which also
    // orders the holds and releases of a user as the counts change.
    private readonly Dictionary<string, int> _userConnections = new(StringComparer.Ordinal);
    private RedisRoomLog? _log;
    private int _disposed;

    public RedisChatLifetimeManager(IServiceProvider services, JoiningConnections joining, IHostApplicationLifetime lifetime, ILoggerFactory loggers)
        : base(joining, lifetime, loggers)
    {
        _services = services;
        _redis = ActivatorUtilities.CreateInstance<RedisHubLifetimeManager<THub>>(services);
        _logger = loggers.CreateLogger<RedisChatLifetimeManager<THub>>();
    }

    // Resolved at first use: the room log sends to this node's connections through this manager (ILocalConnections), so
    // it cannot be built with it.
    private RedisRoomLog Log => _log ??= _services.GetRequiredService<RedisRoomLog>();

    public override async Task OnConnectedAsync(HubConnectionContext connection)
    {
        await base.OnConnectedAsync(connection);
        // Counted before anything here can fail, so that the count agrees with the disconnect that takes it off.
        var held = Task.CompletedTask;
        if (connection.UserIdentifier is { } user)
        {
            var log = Log;
            lock (_userConnections)
            {
                _userConnections[user] = _userConnections.GetValueOrDefault(user) + 1;
                held = log.HoldUserAsync(user, CancellationToken.None);
            }
        }

        await _redis.OnConnectedAsync(connection);
        // Awaited, so that a direct message committed once the client is connected and synced reaches it from any node.
        await held;
    }

    public override async Task OnDisconnectedAsync(HubConnectionContext connection)
    {
        if (connection.UserIdentifier is { } user)
        {
            var log = Log;
            lock (_userConnections)
            {
                if (_userConnections.TryGetValue(user, out var count))
                {
                    if (count > 1)
                    {
                        _userConnections[user] = count - 1;
                    }
                    else
                    {
                        _userConnections.Remove(user);
                        log.ReleaseUser(user);
                    }
                }
            }
        }

        await base.OnDisconnectedAsync(connection);
        await _redis.OnDisconnectedAsync(connection);
    }

    public override async Task AddToGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default)
    {
        if (IsLocal(connectionId))
        {
            await AddLocalToGroupAsync(connectionId, groupName);
        }

        await _redis.AddToGroupAsync(connectionId, groupName, cancellationToken);
    }

    public override async Task RemoveFromGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default)
    {
        if (IsLocal(connectionId))
        {
            await RemoveLocalFromGroupAsync(connectionId, groupName);
        }

        await _redis.RemoveFromGroupAsync(connectionId, groupName, cancellationToken);
    }

    public override Task SendAllAsync(string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        _redis.SendAllAsync(methodName, args, cancellationToken);

    public override Task SendAllExceptAsync(string methodName, object?[] args, IReadOnlyList<string> excludedConnectionIds, CancellationToken cancellationToken = default) =>
        _redis.SendAllExceptAsync(methodName, args, excludedConnectionIds, cancellationToken);

    public override Task SendConnectionAsync(string connectionId, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        _redis.SendConnectionAsync(connectionId, methodName, args, cancellationToken);

    public override Task SendConnectionsAsync(IReadOnlyList<string> connectionIds, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        _redis.SendConnectionsAsync(connectionIds, methodName, args, cancellationToken);

    public override Task SendGroupAsync(string groupName, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        JoiningConnections.IsHeld(methodName)
            ? SendPresenceAsync(groupName, methodName, args, [])
            : _redis.SendGroupAsync(groupName, methodName, args, cancellationToken);

    public override Task SendGroupsAsync(IReadOnlyList<string> groupNames, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        _redis.SendGroupsAsync(groupNames, methodName, args, cancellationToken);

    public override Task SendGroupExceptAsync(string groupName, string methodName, object?[] args, IReadOnlyList<string> excludedConnectionIds, CancellationToken cancellationToken = default) =>
        JoiningConnections.IsHeld(methodName)
            ? SendPresenceAsync(groupName, methodName, args, excludedConnectionIds)
            : _redis.SendGroupExceptAsync(groupName, methodName, args, excludedConnectionIds, cancellationToken);

    // Presence events go to this node's members at once and to the others on the room's channel of HubApp's own, not SignalR's:
    // every node then delivers them through its own groups, where a joiner's snapshot is waited for (JoiningConnections).
    private Task SendPresenceAsync(string groupName, string methodName, object?[] args, IReadOnlyList<string> excluded)
    {
        FireAndForget.Observe(SendLocalGroupExceptAsync(groupName, methodName, args, excluded), _logger);
        return args is [PresenceEvent presence]
            ? Log.PublishPresenceAsync(groupName, methodName, presence, excluded)
            : Task.CompletedTask;
    }

    public override Task SendUserAsync(string userId, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        _redis.SendUserAsync(userId, methodName, args, cancellationToken);

    public override Task SendUsersAsync(IReadOnlyList<string> userIds, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        _redis.SendUsersAsync(userIds, methodName, args, cancellationToken);

    public override Task<T> InvokeConnectionAsync<T>(string connectionId, string methodName, object?[] args, CancellationToken cancellationToken) =>
        _redis.InvokeConnectionAsync<T>(connectionId, methodName, args, cancellationToken);

    public override Task SetConnectionResultAsync(string connectionId, CompletionMessage result) => _redis.SetConnectionResultAsync(connectionId, result);

    public override bool TryGetReturnType(string invocationId, [NotNullWhen(true)] out Type? type) => _redis.TryGetReturnType(invocationId, out type);

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            // Registered as itself and as SignalR's manager: disposed once per registration.
            return;
        }

        try
        {
            _redis.Dispose();
        }
        catch (Exception ex)
        {
            // Known: with Redis gone, unsubscribing on the way out throws. Nothing is left to
            // tell Redis; a node that stops must still exit cleanly.
            LogDisposeFailed(_logger, ex);
        }
    }

    [LoggerMessage(EventId = 60, Level = LogLevel.Information, Message = "SignalR's Redis lifetime manager failed to close its subscriptions (Redis is gone); stopping anyway.")]
    private static partial void LogDisposeFailed(ILogger logger, Exception exception);
}
