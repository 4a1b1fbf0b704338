using System.Collections.Concurrent;
using HubApp.Presence;
using HubApp.Sending;
using Microsoft.AspNetCore.SignalR;

namespace HubApp.Hubs;

/// <summary>
/// SignalR's in-memory lifetime manager, plus what every node needs whatever its engine: the registry of this
/// node's connections (to close one that is refused, or all of them on shutdown: <see cref="ShutdownClose"/>) and
/// sends that reach this node's connections only. A single node uses it as it is; a backplane engine derives from
/// it and overrides the sends that must reach other nodes, keeping the base ones for its local deliveries.
/// </summary>
/// <remarks>OnConnected and OnDisconnected run concurrently for many connections.</remarks>
internal class ChatLifetimeManager<THub> : DefaultHubLifetimeManager<THub>, ILocalConnections
    where THub : Hub
{
    private readonly ConcurrentDictionary<string, HubConnectionContext> _connections = new(StringComparer.Ordinal);
    private readonly JoiningConnections _joining;
    private readonly ILogger _logger;

    public ChatLifetimeManager(JoiningConnections joining, IHostApplicationLifetime lifetime, ILoggerFactory loggers)
        : base(loggers.CreateLogger<DefaultHubLifetimeManager<THub>>())
    {
        _joining = joining;
        _logger = loggers.CreateLogger<ChatLifetimeManager<THub>>();
        joining.SendToConnection = (connectionId, method, args) => FireAndForget.Observe(base.SendConnectionAsync(connectionId, method, args), _logger);
        joining.SendToGroupExcept = (group, method, args, excluded) => base.SendGroupExceptAsync(group, method, args, excluded);
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
        return base.OnConnectedAsync(connection);
    }

    public override Task OnDisconnectedAsync(HubConnectionContext connection)
    {
        _connections.TryRemove(connection.ConnectionId, out _);
        return base.OnDisconnectedAsync(connection);
    }

    // Alone, a node's group changes and sends are its local ones; an engine overrides these and sends locally through the ones below.
    public override Task AddToGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default) =>
        AddLocalToGroupAsync(connectionId, groupName);

    public override Task RemoveFromGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default) =>
        RemoveLocalFromGroupAsync(connectionId, groupName);

    public override Task SendGroupAsync(string groupName, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        SendLocalGroupAsync(groupName, methodName, args);

    public override Task SendGroupExceptAsync(string groupName, string methodName, object?[] args, IReadOnlyList<string> excludedConnectionIds, CancellationToken cancellationToken = default) =>
        SendLocalGroupExceptAsync(groupName, methodName, args, excludedConnectionIds);

    public override Task SendGroupsAsync(IReadOnlyList<string> groupNames, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        SendLocalGroupsAsync(groupNames, methodName, args);

    // Every local send of a presence event to a room's group passes JoiningConnections, which holds it back from joiners
    // whose snapshot is not yet on the wire and batches it for the connections that take batched presence; everything else
    // (every room entry) goes straight to the group.
    public Task SendLocalGroupAsync(string groupName, string methodName, object?[] args) =>
        JoiningConnections.IsHeld(methodName) ? SendLocalGroupExceptAsync(groupName, methodName, args, []) : base.SendGroupAsync(groupName, methodName, args);

    public Task SendLocalGroupsAsync(IReadOnlyList<string> groupNames, string methodName, object?[] args) =>
        groupNames.Count == 1 ? SendLocalGroupAsync(groupNames[0], methodName, args) : base.SendGroupsAsync(groupNames, methodName, args);

    public Task SendLocalGroupExceptAsync(string groupName, string methodName, object?[] args, IReadOnlyList<string> excludedConnectionIds) =>
        JoiningConnections.IsHeld(methodName)
            ? _joining.SendPresence(groupName, methodName, args, excludedConnectionIds)
            : base.SendGroupExceptAsync(groupName, methodName, args, excludedConnectionIds);

    public Task SendLocalAllAsync(string methodName, object?[] args) => base.SendAllAsync(methodName, args);

    public Task SendLocalAllExceptAsync(string methodName, object?[] args, IReadOnlyList<string> excludedConnectionIds) =>
        base.SendAllExceptAsync(methodName, args, excludedConnectionIds);

    public Task SendLocalConnectionsAsync(IReadOnlyList<string> connectionIds, string methodName, object?[] args) =>
        base.SendConnectionsAsync(connectionIds, methodName, args);

    public Task SendLocalUsersAsync(IReadOnlyList<string> userIds, string methodName, object?[] args) => base.SendUsersAsync(userIds, methodName, args);

    // A connection that takes batched presence is in the room's presence group too, wherever its join was decided. Both
    // base calls complete at once for a local connection (an in-memory dictionary).
    public Task AddLocalToGroupAsync(string connectionId, string groupName) =>
        _joining.PresenceGroup(connectionId, groupName) is { } presence
            ? Task.WhenAll(base.AddToGroupAsync(connectionId, groupName), base.AddToGroupAsync(connectionId, presence))
            : base.AddToGroupAsync(connectionId, groupName);

    public Task RemoveLocalFromGroupAsync(string connectionId, string groupName) =>
        _joining.PresenceGroup(connectionId, groupName) is { } presence
            ? Task.WhenAll(base.RemoveFromGroupAsync(connectionId, groupName), base.RemoveFromGroupAsync(connectionId, presence))
            : base.RemoveFromGroupAsync(connectionId, groupName);
}
