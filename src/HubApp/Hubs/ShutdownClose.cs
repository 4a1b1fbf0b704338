using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;

namespace HubApp.Hubs;

/// <summary>
/// SIGTERM: every connection of this node is told to reconnect (a close message with allowReconnect) and
/// closed, so that its client moves on at once (to another node, or back here once the host is up again)
/// instead of being cut off at the end of the host's shutdown timeout; WebSocket requests never end by
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
                    await Task.WhenAll(open.Select(CloseAsync));
                }

                await Task.Delay(TimeSpan.FromMilliseconds(250));
            }
        });
    }

    private static async Task CloseAsync(HubConnectionContext connection)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await connection.WriteAsync(new CloseMessage("The server is shutting down.", allowReconnect: true), timeout.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or InvalidOperationException)
        {
            // Closed anyway, just below.
        }
        finally
        {
            connection.Abort();
        }
    }

    [LoggerMessage(EventId = 47, Level = LogLevel.Information, Message = "Shutting down: closing this node's {Count} connections so that their clients reconnect.")]
    private static partial void LogClosingForShutdown(ILogger logger, int count);
}
