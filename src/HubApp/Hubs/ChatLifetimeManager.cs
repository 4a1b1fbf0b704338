using System.Collections.Concurrent;
using HubApp.Presence;
using HubApp.Sending;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;

namespace HubApp.Hubs;

/// <summary>
/// SignalR's in-memory lifetime manager, plus what every node needs whatever its engine: the registry of this
/// node's connections (to close one that is refused, or all of them on shutdown: <see cref="ShutdownClose"/>), an
/// index of them by user, and sends that reach this node's connections only. A single node uses it as it is; a backplane engine derives from
/// it and overrides the sends that must reach other nodes, keeping the base ones for its local deliveries.
/// </summary>
/// <remarks>OnConnected and OnDisconnected run concurrently for many connections.</remarks>
internal class ChatLifetimeManager<THub> : DefaultHubLifetimeManager<THub>, ILocalConnections
    where THub : Hub
{
    private readonly ConcurrentDictionary<string, HubConnectionContext> _connections = new(StringComparer.Ordinal);

    // A user's connections here, for the user sends: SignalR's own walk every connection of the node per send. Each array
    // is replaced whole under _usersGate, so a send reads one without a lock.
    private readonly ConcurrentDictionary<string, HubConnectionContext[]> _users = new(StringComparer.Ordinal);
    private readonly Lock _usersGate = new();
    private readonly JoiningConnections _joining;
    private readonly ILogger _logger;

    public ChatLifetimeManager(JoiningConnections joining, IHostApplicationLifetime lifetime, ILoggerFactory loggers)
        : base(loggers.CreateLogger<DefaultHubLifetimeManager<THub>>())
    {
        _joining = joining;
        _logger = loggers.CreateLogger<ChatLifetimeManager<THub>>();
        joining.SendToConnection = (connectionId, method, args) => FireAndForget.Observe(base.SendConnectionAsync(connectionId, method, args), _logger);
        lifetime.ApplicationStopping.Register(() => ShutdownClose.Sweep(() => [.. _connections.Values], _logger));
    }

    public HubConnectionContext? Find(string connectionId) => _connections.GetValueOrDefault(connectionId);

    /// <summary>This node's connections.</summary>
    protected ICollection<HubConnectionContext> LocalConnections => _connections.Values;

    /// <summary>Whether the connection is open on this node.</summary>
    protected bool IsLocal(string connectionId) => _connections.ContainsKey(connectionId);

    public override Task OnConnectedAsync(HubConnectionContext connection)
    {
        _connections[connection.ConnectionId] = connection;
        if (connection.UserIdentifier is { } userId)
        {
            lock (_usersGate)
            {
                _users[userId] = _users.TryGetValue(userId, out var others) ? [.. others, connection] : [connection];
            }
        }

        return base.OnConnectedAsync(connection);
    }

    public override Task OnDisconnectedAsync(HubConnectionContext connection)
    {
        _connections.TryRemove(connection.ConnectionId, out _);
        if (connection.UserIdentifier is { } userId)
        {
            lock (_usersGate)
            {
                if (_users.TryGetValue(userId, out var all))
                {
                    var left = Array.FindAll(all, c => c != connection);
                    if (left.Length == 0)
                    {
                        _users.TryRemove(userId, out _);
                    }
                    else
                    {
                        _users[userId] = left;
                    }
                }
            }
        }

        return base.OnDisconnectedAsync(connection);
    }

    // Alone, a node's user sends are its local ones; an engine overrides these and sends locally through SendLocalUsersAsync.
    public override Task SendUserAsync(string userId, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        SendLocalUsersAsync([userId], methodName, args);

    public override Task SendUsersAsync(IReadOnlyList<string> userIds, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        SendLocalUsersAsync(userIds, methodName, args);

    // Alone, a node's group sends are its local ones; an engine overrides these and sends locally through the ones below.
    public override Task SendGroupAsync(string groupName, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        SendLocalGroupAsync(groupName, methodName, args);

    public override Task SendGroupExceptAsync(string groupName, string methodName, object?[] args, IReadOnlyList<string> excludedConnectionIds, CancellationToken cancellationToken = default) =>
        SendLocalGroupExceptAsync(groupName, methodName, args, excludedConnectionIds);

    public override Task SendGroupsAsync(IReadOnlyList<string> groupNames, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        SendLocalGroupsAsync(groupNames, methodName, args);

    // Every local send of a presence event to a room's group passes JoiningConnections, which holds it back from joiners
    // whose snapshot is not yet on the wire; everything else (every room entry) goes straight to the group.
    public Task SendLocalGroupAsync(string groupName, string methodName, object?[] args) =>
        JoiningConnections.IsHeld(methodName) ? SendLocalGroupExceptAsync(groupName, methodName, args, []) : base.SendGroupAsync(groupName, methodName, args);

    public Task SendLocalGroupsAsync(IReadOnlyList<string> groupNames, string methodName, object?[] args) =>
        groupNames.Count == 1 ? SendLocalGroupAsync(groupNames[0], methodName, args) : base.SendGroupsAsync(groupNames, methodName, args);

    public Task SendLocalGroupExceptAsync(string groupName, string methodName, object?[] args, IReadOnlyList<string> excludedConnectionIds) =>
        JoiningConnections.IsHeld(methodName)
            ? _joining.Send(groupName, methodName, args, excludedConnectionIds, excluded => base.SendGroupExceptAsync(groupName, methodName, args, excluded))
            : base.SendGroupExceptAsync(groupName, methodName, args, excludedConnectionIds);

    public Task SendLocalAllAsync(string methodName, object?[] args) => base.SendAllAsync(methodName, args);

    public Task SendLocalAllExceptAsync(string methodName, object?[] args, IReadOnlyList<string> excludedConnectionIds) =>
        base.SendAllExceptAsync(methodName, args, excludedConnectionIds);

    public Task SendLocalConnectionsAsync(IReadOnlyList<string> connectionIds, string methodName, object?[] args) =>
        base.SendConnectionsAsync(connectionIds, methodName, args);

    /// <summary>
    /// To every connection here of each user (a user named twice is sent to once), through the index: serialized once
    /// per protocol for all of them, as a group send is.
    /// </summary>
    public Task SendLocalUsersAsync(IReadOnlyList<string> userIds, string methodName, object?[] args)
    {
        SerializedHubMessage? message = null;
        List<Task>? pending = null;
        for (var i = 0; i < userIds.Count; i++)
        {
            if (!_users.TryGetValue(userIds[i], out var connections) || IndexOf(userIds, userIds[i]) < i)
            {
                continue;
            }

            message ??= new SerializedHubMessage(new InvocationMessage(methodName, args));
            foreach (var connection in connections)
            {
                var write = connection.WriteAsync(message);
                if (write.IsCompletedSuccessfully)
                {
                    write.GetAwaiter().GetResult();
                }
                else
                {
                    (pending ??= []).Add(write.AsTask());
                }
            }
        }

        return pending is null ? Task.CompletedTask : Task.WhenAll(pending);
    }

    private static int IndexOf(IReadOnlyList<string> userIds, string userId)
    {
        for (var i = 0; i < userIds.Count; i++)
        {
            if (string.Equals(userIds[i], userId, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    public Task AddLocalToGroupAsync(string connectionId, string groupName) => base.AddToGroupAsync(connectionId, groupName);

    public Task RemoveLocalFromGroupAsync(string connectionId, string groupName) => base.RemoveFromGroupAsync(connectionId, groupName);
}
