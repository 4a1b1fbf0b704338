using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;

namespace HubApp.Hubs;

/// <summary>
/// SignalR's in-memory lifetime manager for a single node (no backplane), which also knows this node's
/// connections so that it can close them all on shutdown (<see cref="ShutdownClose"/>).
/// </summary>
/// <remarks>OnConnected and OnDisconnected run concurrently for many connections.</remarks>
internal sealed class LocalHubLifetimeManager<THub> : DefaultHubLifetimeManager<THub>, ILocalConnections
    where THub : Hub
{
    private readonly ConcurrentDictionary<string, HubConnectionContext> _connections = new(StringComparer.Ordinal);

    public LocalHubLifetimeManager(IHostApplicationLifetime lifetime, ILoggerFactory loggers)
        : base(loggers.CreateLogger<DefaultHubLifetimeManager<THub>>())
    {
        var logger = loggers.CreateLogger<LocalHubLifetimeManager<THub>>();
        lifetime.ApplicationStopping.Register(() => ShutdownClose.Sweep(() => [.. _connections.Values], logger));
    }

    public HubConnectionContext? Find(string connectionId) => _connections.GetValueOrDefault(connectionId);

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
}
