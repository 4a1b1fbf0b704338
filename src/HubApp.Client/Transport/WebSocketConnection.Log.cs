using System.Net.WebSockets;
using Microsoft.Extensions.Logging;

namespace HubApp.Client.Transport;

internal sealed partial class WebSocketConnection
{
    // Event ids 100-199 belong to the transport; never reuse a retired one.
    private static partial class Log
    {
        [LoggerMessage(100, LogLevel.Debug, "Connection {ConnectionId} closed by the server ({CloseStatus} {CloseDescription}).")]
        public static partial void ClosedByServer(ILogger logger, string connectionId, WebSocketCloseStatus? closeStatus, string? closeDescription);

        [LoggerMessage(101, LogLevel.Debug, "Connection {ConnectionId}: receiving failed.")]
        public static partial void ReceiveFailed(ILogger logger, string connectionId, Exception exception);

        [LoggerMessage(102, LogLevel.Debug, "Connection {ConnectionId}: sending failed.")]
        public static partial void SendFailed(ILogger logger, string connectionId, Exception exception);

        [LoggerMessage(103, LogLevel.Debug, "Connection {ConnectionId}: the server did not complete the close handshake in time; aborting.")]
        public static partial void CloseTimedOut(ILogger logger, string connectionId);

        [LoggerMessage(104, LogLevel.Debug, "Connection {ConnectionId} aborted.")]
        public static partial void Aborting(ILogger logger, string connectionId, Exception exception);
    }
}
