using System.Collections.Concurrent;
using HubApp.Backplane;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace HubApp.Hubs;

/// <summary>
/// On a single node (<c>Backplane:Provider</c> <c>none</c>), SIGTERM closes every hub connection at once, so
/// that clients reconnect (to another instance, or to this one once it is back) and the host exits instead of
/// waiting out its shutdown timeout for WebSocket requests that never end by themselves. With the PostgreSQL
/// backplane its lifetime manager does this (with a close message) and this filter stays out of the way.
/// </summary>
/// <remarks>
/// A singleton filter: OnConnected and OnDisconnected run concurrently for many connections. Aborting a
/// connection cancels <c>ConnectionAborted</c>, which only stops a write still waiting for room in the writer's
/// queue; a queued write is committed when the writer drains on stop (its sender just never gets the answer).
/// </remarks>
internal sealed partial class ShutdownConnectionCloser : IHubFilter
{
    private readonly ConcurrentDictionary<string, HubCallerContext> _connections = new();
    private readonly CancellationToken _stopping;
    private readonly bool _enabled;
    private readonly ILogger _logger;

    public ShutdownConnectionCloser(IHostApplicationLifetime lifetime, IOptions<BackplaneOptions> backplane, ILogger<ShutdownConnectionCloser> logger)
    {
        _logger = logger;
        _stopping = lifetime.ApplicationStopping;
        _enabled = backplane.Value.Provider == BackplaneOptions.None;
        if (_enabled)
        {
            _stopping.Register(CloseAll);
        }
    }

    /// <summary>Registers the filter (a singleton, so that one instance sees every connection).</summary>
    public static void AddTo(IServiceCollection services)
    {
        services.AddSingleton<ShutdownConnectionCloser>();
        services.Configure<HubOptions>(hub => hub.AddFilter<ShutdownConnectionCloser>());
    }

    public async Task OnConnectedAsync(HubLifetimeContext context, Func<HubLifetimeContext, Task> next)
    {
        if (!_enabled)
        {
            await next(context);
            return;
        }

        // Added before the stopping flag is read, and CloseAll reads the set after the flag was raised: a
        // connection that arrives during the sweep is closed by one of the two.
        _connections[context.Context.ConnectionId] = context.Context;
        try
        {
            await next(context);
        }
        catch
        {
            _connections.TryRemove(context.Context.ConnectionId, out _);
            throw;
        }

        if (_stopping.IsCancellationRequested)
        {
            context.Context.Abort();
        }
    }

    public Task OnDisconnectedAsync(HubLifetimeContext context, Exception? exception, Func<HubLifetimeContext, Exception?, Task> next)
    {
        _connections.TryRemove(context.Context.ConnectionId, out _);
        return next(context, exception);
    }

    private void CloseAll()
    {
        var connections = _connections.Values.ToArray();
        LogClosingForShutdown(_logger, connections.Length);
        foreach (var connection in connections)
        {
            connection.Abort();
        }
    }

    [LoggerMessage(EventId = 60, Level = LogLevel.Information, Message = "Shutting down: closing {Count} hub connections so that their clients reconnect.")]
    private static partial void LogClosingForShutdown(ILogger logger, int count);
}
