using System.Collections.Concurrent;
using HubApp.Presence;
using HubApp.Sending;
using Microsoft.AspNetCore.Connections.Abstractions;
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
internal class ChatLifetimeManager<THub> : DefaultHubLifetimeManager<THub>, ILocalConnections, ILocalGroupBatches
    where THub : Hub
{
    private readonly ConcurrentDictionary<string, HubConnectionContext> _connections = new(StringComparer.Ordinal);

    // Each group's members here, kept beside the base's own (private) list, which the batched sends cannot reach. Read
    // without a lock; changed under _membersGate, so that a group emptied and dropped never swallows a member added meanwhile.
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, HubConnectionContext>> _members = new(StringComparer.Ordinal);
    private readonly Lock _membersGate = new();

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
        // As the base does for its list: every group is looked at, which spares each connection a list of its groups.
        foreach (var group in _members.Keys)
        {
            Forget(connection.ConnectionId, group);
        }

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

    // Alone, a node's membership changes are its local ones; an engine overrides these and changes locally through the ones below.
    public override Task AddToGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default) =>
        AddLocalToGroupAsync(connectionId, groupName);

    public override Task RemoveFromGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default) =>
        RemoveLocalFromGroupAsync(connectionId, groupName);

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

    // Alone, a node's sends to connections are its local ones; an engine overrides this and sends locally through the one below.
    public override Task SendConnectionsAsync(IReadOnlyList<string> connectionIds, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        SendLocalConnectionsAsync(connectionIds, methodName, args);

    /// <summary>
    /// To each of these connections that is open here, found by its id: SignalR's own walks every connection of the node
    /// per send (about 16% of a connect storm's CPU at 3,000 connections, from RoomAdded to a user's other connections).
    /// </summary>
    public Task SendLocalConnectionsAsync(IReadOnlyList<string> connectionIds, string methodName, object?[] args)
    {
        SerializedHubMessage? message = null;
        List<Task>? pending = null;
        // A connection named twice is sent to once, as SignalR's own does; a long list (a room's readers) by a set.
        var seen = connectionIds.Count > 16 ? new HashSet<string>(StringComparer.Ordinal) : null;
        for (var i = 0; i < connectionIds.Count; i++)
        {
            if (_connections.TryGetValue(connectionIds[i], out var connection) && (seen?.Add(connectionIds[i]) ?? IndexOf(connectionIds, connectionIds[i]) == i))
            {
                Write(connection, message ??= new SerializedHubMessage(new InvocationMessage(methodName, args)), ref pending);
            }
        }

        return pending is null ? Task.CompletedTask : Task.WhenAll(pending);
    }

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
                Write(connection, message, ref pending);
            }
        }

        return pending is null ? Task.CompletedTask : Task.WhenAll(pending);
    }

    private static void Write(HubConnectionContext connection, SerializedHubMessage message, ref List<Task>? pending)
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

    private static int IndexOf(IReadOnlyList<string> ids, string id)
    {
        for (var i = 0; i < ids.Count; i++)
        {
            if (string.Equals(ids[i], id, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    public Task AddLocalToGroupAsync(string connectionId, string groupName)
    {
        if (_connections.TryGetValue(connectionId, out var connection))
        {
            lock (_membersGate)
            {
                _members.GetOrAdd(groupName, static _ => new(StringComparer.Ordinal))[connectionId] = connection;
            }

            // A disconnect that ran meanwhile may have looked before this entry was there.
            if (!_connections.ContainsKey(connectionId))
            {
                Forget(connectionId, groupName);
            }
        }

        // A connection that takes batched presence is in the room's presence group too, wherever its join was decided.
        return _joining.PresenceGroup(connectionId, groupName) is { } presence
            ? Task.WhenAll(base.AddToGroupAsync(connectionId, groupName), base.AddToGroupAsync(connectionId, presence))
            : base.AddToGroupAsync(connectionId, groupName);
    }

    public Task RemoveLocalFromGroupAsync(string connectionId, string groupName)
    {
        Forget(connectionId, groupName);
        return _joining.PresenceGroup(connectionId, groupName) is { } presence
            ? Task.WhenAll(base.RemoveFromGroupAsync(connectionId, groupName), base.RemoveFromGroupAsync(connectionId, presence))
            : base.RemoveFromGroupAsync(connectionId, groupName);
    }

    /// <summary>
    /// Each entry serialized once per protocol, as the base's group sends do; a connection then gets all of them in one
    /// write (one flush, one wake of its send loop) where the plain sends would make one write each. A connection with
    /// stateful reconnect gets one write per entry: its reconnect buffer counts writes as messages and keeps for replay
    /// only what it can see is an invocation, and a joined frame is neither.
    /// </summary>
    public Task SendLocalGroupInOrderAsync<T>(string groupName, string methodName, IReadOnlyList<T> arguments)
    {
        if (arguments.Count == 0 || !_members.TryGetValue(groupName, out var members) || members.IsEmpty)
        {
            return Task.CompletedTask;
        }

        var entries = new SerializedHubMessage[arguments.Count];
        for (var i = 0; i < entries.Length; i++)
        {
            entries[i] = new SerializedHubMessage(new InvocationMessage(methodName, [arguments[i]]));
        }

        var joined = new JoinedFrames(entries);
        List<Task>? pending = null;
        foreach (var connection in members.Values)
        {
            if (entries.Length == 1 || HasReconnectBuffer(connection))
            {
                foreach (var entry in entries)
                {
                    Track(connection.WriteAsync(entry), ref pending);
                }
            }
            else
            {
                Track(connection.WriteAsync(joined.For(connection.Protocol)), ref pending);
            }
        }

        return pending is null ? Task.CompletedTask : Task.WhenAll(pending);
    }

    // Only whether the feature is there: SignalR sets it on a connection that negotiated stateful reconnect, and its
    // preview status concerns implementing or calling it, which this does not.
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Usage", "CA2252", Justification = "A presence check of the feature, no use of its members.")]
    private static bool HasReconnectBuffer(HubConnectionContext connection) => connection.Features.Get<IStatefulReconnectFeature>() is not null;

    private static void Track(ValueTask write, ref List<Task>? pending)
    {
        if (!write.IsCompletedSuccessfully)
        {
            (pending ??= []).Add(write.AsTask());
        }
    }

    private void Forget(string connectionId, string groupName)
    {
        lock (_membersGate)
        {
            if (_members.TryGetValue(groupName, out var members) && members.TryRemove(connectionId, out _) && members.IsEmpty)
            {
                _members.TryRemove(groupName, out _);
            }
        }
    }

    /// <summary>A batch's entries as one frame per protocol: each protocol's framed messages one after the other, as a transport would send them when several are queued.</summary>
    private sealed class JoinedFrames(SerializedHubMessage[] entries)
    {
        private readonly List<(string Protocol, SerializedHubMessage Frames)> _joined = new(2);

        public SerializedHubMessage For(IHubProtocol protocol)
        {
            foreach (var (name, frames) in _joined)
            {
                if (string.Equals(name, protocol.Name, StringComparison.Ordinal))
                {
                    return frames;
                }
            }

            var parts = new ReadOnlyMemory<byte>[entries.Length];
            var length = 0;
            for (var i = 0; i < parts.Length; i++)
            {
                parts[i] = entries[i].GetSerializedMessage(protocol);
                length += parts[i].Length;
            }

            var bytes = new byte[length];
            var offset = 0;
            foreach (var part in parts)
            {
                part.Span.CopyTo(bytes.AsSpan(offset));
                offset += part.Length;
            }

            var joined = new SerializedHubMessage([new SerializedMessage(protocol.Name, bytes)]);
            _joined.Add((protocol.Name, joined));
            return joined;
        }
    }
}
