using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.SignalR;

namespace HubApp.Hubs;

/// <summary>
/// SIGTERM: every connection of this node is closed with SignalR's closing message saying allowReconnect, so
/// that its client moves on at once (to another node, or back here once the host is up again) instead of being cut off at the end of the host's shutdown timeout; WebSocket requests never end by
/// themselves. The server stops listening just after ApplicationStopping, so a client that reconnects at
/// once could still land here: the sweep repeats for a few seconds. Writes already queued for the store are
/// committed when the writer drains on stop.
/// </summary>
internal static partial class ShutdownClose
{
    public static void Sweep(Func<HubConnectionContext[]> connections, ILogger logger)
    {
        _ = Task.Run(async () =>
        {
            for (var sweep = 0; sweep < 20; sweep++)
            {
                var open = connections();
                if (open.Length > 0)
                {
                    LogClosingForShutdown(logger, open.Length);
                    foreach (var connection in open)
                    {
                        Close(connection);
                    }
                }

                await Task.Delay(TimeSpan.FromMilliseconds(250));
            }
        });
    }

    // Ends the hub's read loop, as SignalR itself does when a write fails: the hub then sends its closing message
    // with allowReconnect (nothing withdrew it), flushes what is queued, and ends the connection. Not
    // connection.Abort(): that withdraws the reconnect, so the closing message would tell clients to stop for good
    // (a client reading a close of ours and that one in one batch obeys the second).
    private static void Close(HubConnectionContext connection)
    {
        if (connection.Features.Get<IConnectionTransportFeature>()?.Transport is { } transport)
        {
            transport.Input.CancelPendingRead();
        }
        else
        {
            connection.Abort();
        }
    }

    [LoggerMessage(EventId = 47, Level = LogLevel.Information, Message = "Shutting down: closing this node's {Count} connections so that their clients reconnect.")]
    private static partial void LogClosingForShutdown(ILogger logger, int count);
}
