using Microsoft.Extensions.Logging;

namespace HubApp.Client;

public sealed partial class ChatClient
{
    // Event ids 1-99 belong to ChatClient; never reuse a retired one.
    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "The connection to the chat server was lost.")]
        public static partial void ConnectionLost(ILogger logger, Exception? exception);

        [LoggerMessage(2, LogLevel.Debug, "Reconnect attempt {Attempt}.")]
        public static partial void ReconnectAttempt(ILogger logger, int attempt);

        [LoggerMessage(3, LogLevel.Warning, "Reconnect attempt {Attempt} failed.")]
        public static partial void ReconnectAttemptFailed(ILogger logger, int attempt, Exception exception);

        [LoggerMessage(4, LogLevel.Information, "Reconnected as connection {ConnectionId}; rooms rejoined and caught up.")]
        public static partial void Reconnected(ILogger logger, string? connectionId);

        [LoggerMessage(5, LogLevel.Error, "Gave up reconnecting after {Attempts} attempt(s).")]
        public static partial void ReconnectGaveUp(ILogger logger, int attempts, Exception? exception);

        [LoggerMessage(6, LogLevel.Warning, "The server refused to rejoin room {Room} ({Code}); it is no longer tracked.")]
        public static partial void RejoinRefused(ILogger logger, string room, string code, Exception exception);

        [LoggerMessage(7, LogLevel.Debug, "Dropped message {Id} for room {Room}, which is not joined.")]
        public static partial void MessageForUntrackedRoom(ILogger logger, string room, long id);

        [LoggerMessage(8, LogLevel.Debug, "Stopping a connection that is being given up failed.")]
        public static partial void StopFailed(ILogger logger, Exception exception);

        [LoggerMessage(9, LogLevel.Information, "Stopped by the app.")]
        public static partial void Stopped(ILogger logger);

        [LoggerMessage(10, LogLevel.Debug, "{Method} {Send} was refused as rate_limited; posting it again after a pause.")]
        public static partial void SendPaced(ILogger logger, string method, string send);

        [LoggerMessage(11, LogLevel.Information, "{Method} {Send} was refused as unavailable; posting it again in {Delay}.")]
        public static partial void SendRetryingUnavailable(ILogger logger, string method, string send, TimeSpan delay);

        [LoggerMessage(12, LogLevel.Information, "{Method} {Send} got no answer before the connection went; posting it again once reconnected.")]
        public static partial void SendInterrupted(ILogger logger, string method, string send, Exception exception);

        [LoggerMessage(13, LogLevel.Information, "A message of room {Room} skipped an id after {LastSeen}; catching the room up.")]
        public static partial void GapDetected(ILogger logger, string room, long lastSeen);

        [LoggerMessage(14, LogLevel.Warning, "Catching room {Room} up after a gap failed.")]
        public static partial void GapRepairFailed(ILogger logger, string room, Exception exception);

        [LoggerMessage(15, LogLevel.Warning, "The server refused SyncDirectMessages ({Code}); direct messages missed while away are not raised.")]
        public static partial void DirectSyncRefused(ILogger logger, string code, Exception exception);

        [LoggerMessage(16, LogLevel.Information, "Syncing direct messages after the start failed.")]
        public static partial void DirectSyncFailed(ILogger logger, Exception exception);
    }
}
