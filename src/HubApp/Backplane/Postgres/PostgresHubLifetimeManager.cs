using System.Text.Json;
using HubApp.Hubs;
using HubApp.Presence;
using HubApp.Sending;
using HubApp.Telemetry;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace HubApp.Backplane.Postgres;

/// <summary>
/// SignalR's sends across nodes on PostgreSQL. This node's connections and groups are SignalR's own in-memory
/// manager (<see cref="ChatLifetimeManager{THub}"/>); every send is delivered to them at once and published through
/// <see cref="PostgresBackplane"/> for the other nodes, which deliver it to theirs (<see cref="IBackplaneInbox"/>). Arguments travel as the hub protocol's JSON, serialized with
/// the hub's payload options, and are read back as the client method's types, so they arrive exactly as sent. A room's
/// stored entries do not come here: the listener hands them to the <see cref="RoomLogSequencer"/>.
/// </summary>
/// <remarks>
/// Called concurrently from every connection. Group membership is kept where the connection lives;
/// adding or removing a connection of another node is forwarded to it without waiting for an answer.
/// Client results (<c>InvokeConnectionAsync</c>) work only for this node's connections.
/// </remarks>
internal sealed partial class PostgresHubLifetimeManager<THub> : ChatLifetimeManager<THub>, IBackplaneInbox
    where THub : Hub
{
    private readonly PostgresBackplane _backplane;
    private readonly PostgresChannels _channels;
    private readonly JsonSerializerOptions _json;
    private readonly ChatMetrics _metrics;
    private readonly ILogger _logger;

    public PostgresHubLifetimeManager(
        PostgresBackplane backplane,
        PostgresChannels channels,
        JoiningConnections joining,
        IOptions<JsonHubProtocolOptions> json,
        IHostApplicationLifetime lifetime,
        ChatMetrics metrics,
        ILoggerFactory loggers)
        : base(joining, lifetime, loggers)
    {
        _backplane = backplane;
        _channels = channels;
        _json = json.Value.PayloadSerializerOptions;
        _metrics = metrics;
        _logger = loggers.CreateLogger<PostgresHubLifetimeManager<THub>>();
    }

    // What is sent to the user (direct messages, other user sends) reaches this node once this returns, before the
    // connection can call the hub; what was sent before, it reads as it syncs.
    public override async Task OnConnectedAsync(HubConnectionContext connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await base.OnConnectedAsync(connection);
        if (connection.UserIdentifier is { } userId)
        {
            await _channels.HoldUserAsync(userId, connection.ConnectionAborted);
        }
    }

    public override async Task OnDisconnectedAsync(HubConnectionContext connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await base.OnDisconnectedAsync(connection);
        if (connection.UserIdentifier is { } userId)
        {
            _channels.ReleaseUser(userId);
        }
    }

    public override Task SendAllAsync(string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        SendAsync(SendLocalAllAsync(methodName, args), EnvelopeKind.All, [], null, methodName, args, cancellationToken);

    public override Task SendAllExceptAsync(string methodName, object?[] args, IReadOnlyList<string> excludedConnectionIds, CancellationToken cancellationToken = default) =>
        SendAsync(SendLocalAllExceptAsync(methodName, args, excludedConnectionIds), EnvelopeKind.All, [], excludedConnectionIds, methodName, args, cancellationToken);

    public override Task SendConnectionAsync(string connectionId, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        IsLocal(connectionId)
            ? base.SendConnectionAsync(connectionId, methodName, args, cancellationToken)
            : PublishAsync(EnvelopeKind.Connections, [connectionId], null, methodName, args, cancellationToken);

    public override Task SendConnectionsAsync(IReadOnlyList<string> connectionIds, string methodName, object?[] args, CancellationToken cancellationToken = default)
    {
        var remote = connectionIds.Where(id => !IsLocal(id)).ToArray();
        var local = SendLocalConnectionsAsync(connectionIds, methodName, args);
        return remote.Length == 0 ? local : SendAsync(local, EnvelopeKind.Connections, remote, null, methodName, args, cancellationToken);
    }

    public override Task SendGroupAsync(string groupName, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        SendAsync(SendLocalGroupAsync(groupName, methodName, args), EnvelopeKind.Groups, [groupName], null, methodName, args, cancellationToken);

    public override Task SendGroupsAsync(IReadOnlyList<string> groupNames, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        SendAsync(SendLocalGroupsAsync(groupNames, methodName, args), EnvelopeKind.Groups, groupNames, null, methodName, args, cancellationToken);

    public override Task SendGroupExceptAsync(string groupName, string methodName, object?[] args, IReadOnlyList<string> excludedConnectionIds, CancellationToken cancellationToken = default) =>
        SendAsync(SendLocalGroupExceptAsync(groupName, methodName, args, excludedConnectionIds), EnvelopeKind.Groups, [groupName], excludedConnectionIds, methodName, args, cancellationToken);

    public override Task SendUserAsync(string userId, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        SendAsync(SendLocalUsersAsync([userId], methodName, args), EnvelopeKind.Users, [userId], null, methodName, args, cancellationToken);

    public override Task SendUsersAsync(IReadOnlyList<string> userIds, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        SendAsync(SendLocalUsersAsync(userIds, methodName, args), EnvelopeKind.Users, userIds, null, methodName, args, cancellationToken);

    public override Task AddToGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default) =>
        IsLocal(connectionId)
            ? AddLocalToGroupAsync(connectionId, groupName)
            : PublishAsync(EnvelopeKind.AddToGroup, [connectionId, groupName], null, string.Empty, [], cancellationToken);

    public override Task RemoveFromGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default) =>
        IsLocal(connectionId)
            ? RemoveLocalFromGroupAsync(connectionId, groupName)
            : PublishAsync(EnvelopeKind.RemoveFromGroup, [connectionId, groupName], null, string.Empty, [], cancellationToken);

    public override Task<T> InvokeConnectionAsync<T>(string connectionId, string methodName, object?[] args, CancellationToken cancellationToken) =>
        IsLocal(connectionId)
            ? base.InvokeConnectionAsync<T>(connectionId, methodName, args, cancellationToken)
            : throw new NotSupportedException("Client results are supported only for connections on the same node.");

    // The local sends are started first, so this node's members get it without waiting for the database.
    private async Task SendAsync(Task local, EnvelopeKind kind, IReadOnlyList<string> targets, IReadOnlyList<string>? excluded, string methodName, object?[] args, CancellationToken cancellationToken)
    {
        FireAndForget.Observe(local, _logger);
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
    public void Deliver(BackplaneEnvelope envelope)
    {
        var args = envelope.ArgsAsObjects(_json);
        var targets = envelope.Targets;
        var send = envelope.Kind switch
        {
            EnvelopeKind.All when envelope.Excluded is { Count: > 0 } excluded => SendLocalAllExceptAsync(envelope.Method, args, excluded),
            EnvelopeKind.All => SendLocalAllAsync(envelope.Method, args),
            EnvelopeKind.Connections => SendLocalConnectionsAsync(targets, envelope.Method, args),
            EnvelopeKind.Groups when envelope.Excluded is { Count: > 0 } excluded => SendLocalGroupExceptAsync(targets[0], envelope.Method, args, excluded),
            EnvelopeKind.Groups => SendLocalGroupsAsync(targets, envelope.Method, args),
            EnvelopeKind.Users => SendLocalUsersAsync(targets, envelope.Method, args),
            EnvelopeKind.AddToGroup when IsLocal(targets[0]) => AddLocalToGroupAsync(targets[0], targets[1]),
            EnvelopeKind.RemoveFromGroup when IsLocal(targets[0]) => RemoveLocalFromGroupAsync(targets[0], targets[1]),
            _ => Task.CompletedTask,
        };
        if (envelope.StoredBy is not null)
        {
            _metrics.Delivered();
        }

        FireAndForget.Observe(send, _logger);
    }

    [LoggerMessage(EventId = 46, Level = LogLevel.Warning, Message = "'{Method}' could not be published to the other nodes.")]
    private static partial void LogPublishFailed(ILogger logger, string method, Exception exception);
}
