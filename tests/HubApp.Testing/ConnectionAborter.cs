using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;

namespace HubApp.Testing;

/// <summary>Lets a test drop a client's connection from the server side, as a network fault would.</summary>
public sealed class ConnectionAborter : IHubFilter
{
    private readonly ConcurrentDictionary<string, HubCallerContext> _connections = new();

    public Task OnConnectedAsync(HubLifetimeContext context, Func<HubLifetimeContext, Task> next)
    {
        _connections[context.Context.ConnectionId] = context.Context;
        return next(context);
    }

    public Task OnDisconnectedAsync(HubLifetimeContext context, Exception? exception, Func<HubLifetimeContext, Exception?, Task> next)
    {
        _connections.TryRemove(context.Context.ConnectionId, out _);
        return next(context, exception);
    }

    /// <summary>Aborts every open connection of the user; there must be at least one.</summary>
    public void AbortUser(string userId)
    {
        var connections = _connections.Values.Where(c => c.UserIdentifier == userId).ToArray();
        if (connections.Length == 0)
        {
            throw new InvalidOperationException($"User {userId} has no open connection.");
        }

        foreach (var connection in connections)
        {
            connection.Abort();
        }
    }
}
