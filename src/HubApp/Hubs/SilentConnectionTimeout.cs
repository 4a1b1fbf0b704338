using System.Reflection;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.SignalR;

namespace HubApp.Hubs;

/// <summary>
/// Closes a connection that never sends anything after its handshake, not even a ping, once
/// <see cref="HubOptions.ClientTimeoutInterval"/> has passed, as SignalR closes one that stopped pinging.
/// </summary>
/// <remarks>
/// SignalR measures the client timeout from the handshake on, but checks it only once the first Ping has arrived
/// (<c>DefaultHubDispatcher</c> calls <c>HubConnectionContext.StartClientTimeout</c> for it), so that clients that
/// never ping are not closed: a connection that stays silent from the start is held for ever. This filter makes that
/// call itself at connect. The method is internal to SignalR, so it is found once by name; if a later SignalR lacks
/// it, <see cref="IsAvailable"/> is false, a warning says so at start, and
/// <c>SilentConnectionTests</c> fails. Long polling is left alone: its clients do not ping (the transport has a
/// keep-alive of its own, and the connection manager closes one that stops polling).
/// </remarks>
internal sealed partial class SilentConnectionTimeout : IHubFilter
{
    private readonly ILocalConnections _connections;

    private static readonly Action<HubConnectionContext>? StartClientTimeout = FindStartClientTimeout();

    public SilentConnectionTimeout(ILocalConnections connections, ILogger<SilentConnectionTimeout> logger)
    {
        _connections = connections;
        if (!IsAvailable)
        {
            LogUnavailable(logger);
        }
    }

    public static bool IsAvailable => StartClientTimeout is not null;

    public async Task OnConnectedAsync(HubLifetimeContext context, Func<HubLifetimeContext, Task> next)
    {
        await next(context);
        if (StartClientTimeout is not null
            && context.Context.Features.Get<IConnectionInherentKeepAliveFeature>()?.HasInherentKeepAlive != true
            && _connections.Find(context.Context.ConnectionId) is { } connection)
        {
            // Idempotent: a first Ping later finds it started.
            StartClientTimeout(connection);
        }
    }

    private static Action<HubConnectionContext>? FindStartClientTimeout()
    {
        var method = typeof(HubConnectionContext).GetMethod("StartClientTimeout", BindingFlags.Instance | BindingFlags.NonPublic, Type.EmptyTypes);
        return method is { ReturnType: var returns } && returns == typeof(void)
            ? method.CreateDelegate<Action<HubConnectionContext>>()
            : null;
    }

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "This SignalR has no HubConnectionContext.StartClientTimeout: connections that never send anything are not timed out.")]
    private static partial void LogUnavailable(ILogger logger);
}
