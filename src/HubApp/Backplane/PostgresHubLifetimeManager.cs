using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using HubApp.Hubs;
using HubApp.Messaging;
using HubApp.Telemetry;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.Options;

namespace HubApp.Backplane;

/// <summary>
/// SignalR's sends across nodes. This node's connections and groups are SignalR's own in-memory manager;
/// every send is delivered to them at once and published through <see cref="PostgresBackplane"/> for the
/// other nodes, which deliver it to theirs. Arguments travel as the hub protocol's JSON (the app speaks
/// only the JSON protocol), serialized with the hub's payload options, so they arrive exactly as sent.
/// </summary>
/// <remarks>
/// Called concurrently from every connection. Group membership is kept where the connection lives;
/// adding or removing a connection of another node is forwarded to it without waiting for an answer.
/// Client results (<c>InvokeConnectionAsync</c>) work only for this node's connections. On shutdown it
/// closes its connections first, so that their clients reconnect elsewhere.
/// </remarks>
internal sealed partial class PostgresHubLifetimeManager<THub> : HubLifetimeManager<THub>, ILocalConnections
    where THub : Hub
{
    private readonly DefaultHubLifetimeManager<THub> _local;
    private readonly PostgresBackplane _backplane;
    private readonly JsonSerializerOptions _json;
    private readonly ChatMetrics _metrics;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, HubConnectionContext> _connections = new(StringComparer.Ordinal);

    public PostgresHubLifetimeManager(PostgresBackplane backplane, IOptions<JsonHubProtocolOptions> json, IHostApplicationLifetime lifetime, ChatMetrics metrics, ILoggerFactory loggers)
    {
        _metrics = metrics;
        _local = new DefaultHubLifetimeManager<THub>(loggers.CreateLogger<DefaultHubLifetimeManager<THub>>());
        _backplane = backplane;
        _json = json.Value.PayloadSerializerOptions;
        _logger = loggers.CreateLogger<PostgresHubLifetimeManager<THub>>();
        backplane.Received = DeliverLocallyAsync;
        backplane.Resubscribed = CloseLocalConnectionsAsync;
        lifetime.ApplicationStopping.Register(() => ShutdownClose.Sweep(() => [.. _connections.Values], _logger));
    }

    public HubConnectionContext? Find(string connectionId) => _connections.GetValueOrDefault(connectionId);

    public override Task OnConnectedAsync(HubConnectionContext connection)
    {
        _connections[connection.ConnectionId] = connection;
        return _local.OnConnectedAsync(connection);
    }

    public override Task OnDisconnectedAsync(HubConnectionContext connection)
    {
        _connections.TryRemove(connection.ConnectionId, out _);
        return _local.OnDisconnectedAsync(connection);
    }

    public override Task SendAllAsync(string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        SendAsync(_local.SendAllAsync(methodName, args, cancellationToken), EnvelopeKind.All, [], null, methodName, args, cancellationToken);

    public override Task SendAllExceptAsync(string methodName, object?[] args, IReadOnlyList<string> excludedConnectionIds, CancellationToken cancellationToken = default) =>
        SendAsync(_local.SendAllExceptAsync(methodName, args, excludedConnectionIds, cancellationToken), EnvelopeKind.All, [], excludedConnectionIds, methodName, args, cancellationToken);

    public override Task SendConnectionAsync(string connectionId, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        _connections.ContainsKey(connectionId)
            ? _local.SendConnectionAsync(connectionId, methodName, args, cancellationToken)
            : PublishAsync(EnvelopeKind.Connections, [connectionId], null, methodName, args, cancellationToken);

    public override Task SendConnectionsAsync(IReadOnlyList<string> connectionIds, string methodName, object?[] args, CancellationToken cancellationToken = default)
    {
        var remote = connectionIds.Where(id => !_connections.ContainsKey(id)).ToArray();
        var local = _local.SendConnectionsAsync(connectionIds, methodName, args, cancellationToken);
        return remote.Length == 0 ? local : SendAsync(local, EnvelopeKind.Connections, remote, null, methodName, args, cancellationToken);
    }

    public override Task SendGroupAsync(string groupName, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        SendAsync(_local.SendGroupAsync(groupName, methodName, args, cancellationToken), EnvelopeKind.Groups, [groupName], null, methodName, args, cancellationToken);

    public override Task SendGroupsAsync(IReadOnlyList<string> groupNames, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        SendAsync(_local.SendGroupsAsync(groupNames, methodName, args, cancellationToken), EnvelopeKind.Groups, groupNames, null, methodName, args, cancellationToken);

    public override Task SendGroupExceptAsync(string groupName, string methodName, object?[] args, IReadOnlyList<string> excludedConnectionIds, CancellationToken cancellationToken = default) =>
        SendAsync(_local.SendGroupExceptAsync(groupName, methodName, args, excludedConnectionIds, cancellationToken), EnvelopeKind.Groups, [groupName], excludedConnectionIds, methodName, args, cancellationToken);

    public override Task SendUserAsync(string userId, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        SendAsync(_local.SendUserAsync(userId, methodName, args, cancellationToken), EnvelopeKind.Users, [userId], null, methodName, args, cancellationToken);

    public override Task SendUsersAsync(IReadOnlyList<string> userIds, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        SendAsync(_local.SendUsersAsync(userIds, methodName, args, cancellationToken), EnvelopeKind.Users, userIds, null, methodName, args, cancellationToken);

    public override Task AddToGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default) =>
        _connections.ContainsKey(connectionId)
            ? _local.AddToGroupAsync(connectionId, groupName, cancellationToken)
            : PublishAsync(EnvelopeKind.AddToGroup, [connectionId, groupName], null, string.Empty, [], cancellationToken);

    public override Task RemoveFromGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default) =>
        _connections.ContainsKey(connectionId)
            ? _local.RemoveFromGroupAsync(connectionId, groupName, cancellationToken)
            : PublishAsync(EnvelopeKind.RemoveFromGroup, [connectionId, groupName], null, string.Empty, [], cancellationToken);

    public override Task<T> InvokeConnectionAsync<T>(string connectionId, string methodName, object?[] args, CancellationToken cancellationToken) =>
        _connections.ContainsKey(connectionId)
            ? _local.InvokeConnectionAsync<T>(connectionId, methodName, args, cancellationToken)
            : throw new NotSupportedException("Client results are supported only for connections on the same node.");

    public override Task SetConnectionResultAsync(string connectionId, CompletionMessage result) => _local.SetConnectionResultAsync(connectionId, result);

    public override bool TryGetReturnType(string invocationId, [NotNullWhen(true)] out Type? type) => _local.TryGetReturnType(invocationId, out type);

    private async Task SendAsync(Task local, EnvelopeKind kind, IReadOnlyList<string> targets, IReadOnlyList<string>? excluded, string methodName, object?[] args, CancellationToken cancellationToken)
    {
        await local;
        await PublishAsync(kind, targets, excluded, methodName, args, cancellationToken);
    }

    // Other nodes miss what cannot be published (PostgreSQL is down): presence and typing events are
    // ephemeral, and room and direct messages do not come this way (they are published by the store).
    private async Task PublishAsync(EnvelopeKind kind, IReadOnlyList<string> targets, IReadOnlyList<string>? excluded, string methodName, object?[] args, CancellationToken cancellationToken)
    {
        try
        {
            await _backplane.PublishAsync(BackplaneEnvelope.Create(kind, _backplane.NodeId, targets, excluded, methodName, args, _json), cancellationToken);
        }
        catch (Exception ex) when (ex is Npgsql.NpgsqlException or IOException or TimeoutException)
        {
            LogPublishFailed(_logger, methodName, ex);
        }
    }

    // Runs on the backplane's single listener loop: it starts the local sends in arrival order (each
    // connection queues its writes in that order) but does not wait for them, so one slow consumer holds up
    // neither this node's other connections nor the notifications behind it.
    private Task DeliverLocallyAsync(BackplaneEnvelope envelope)
    {
        var args = envelope.ArgsAsObjects(_json);
        var targets = envelope.Targets;
        var send = envelope.Kind switch
        {
            EnvelopeKind.All when envelope.Excluded is { Count: > 0 } excluded => _local.SendAllExceptAsync(envelope.Method, args, excluded),
            EnvelopeKind.All => _local.SendAllAsync(envelope.Method, args),
            EnvelopeKind.Connections => _local.SendConnectionsAsync(targets, envelope.Method, args),
            EnvelopeKind.Groups when envelope.Excluded is { Count: > 0 } excluded => _local.SendGroupExceptAsync(targets[0], envelope.Method, args, excluded),
            EnvelopeKind.Groups => _local.SendGroupsAsync(targets, envelope.Method, args),
            EnvelopeKind.Users => _local.SendUsersAsync(targets, envelope.Method, args),
            EnvelopeKind.AddToGroup when _connections.ContainsKey(targets[0]) => _local.AddToGroupAsync(targets[0], targets[1]),
            EnvelopeKind.RemoveFromGroup when _connections.ContainsKey(targets[0]) => _local.RemoveFromGroupAsync(targets[0], targets[1]),
            _ => Task.CompletedTask,
        };
        if (envelope.StoredBy is not null)
        {
            _metrics.Delivered();
        }

        FireAndForget.Observe(send, _logger);
        return Task.CompletedTask;
    }

    private Task CloseLocalConnectionsAsync()
    {
        var connections = _connections.Values.ToArray();
        LogClosingAfterGap(_logger, connections.Length);
        foreach (var connection in connections)
        {
            connection.Abort();
        }

        return Task.CompletedTask;
    }

    [LoggerMessage(EventId = 46, Level = LogLevel.Warning, Message = "'{Method}' could not be published to the other nodes.")]
    private static partial void LogPublishFailed(ILogger logger, string method, Exception exception);

    [LoggerMessage(EventId = 45, Level = LogLevel.Warning, Message = "The backplane may have missed notifications: closing this node's {Count} connections so that their clients reconnect and catch up from history.")]
    private static partial void LogClosingAfterGap(ILogger logger, int count);
}
