namespace HubApp.Sending;

/// <summary>
/// Sends to clients that are started and not awaited: room and direct messages, presence and typing events, and
/// a backplane node's local deliveries.
/// </summary>
/// <remarks>
/// Why not waiting is safe: SignalR writes to each connection under that connection's own lock, taken in call
/// order, so a send started before the caller returns is queued behind every earlier write to that connection and
/// ahead of every later one; order per connection holds without awaiting. Awaiting would only add the slowest
/// member's write: a member that stops reading fills its buffer (ApplicationMaxBufferSize), its writes then wait
/// up to TransportSendTimeout, and so would the caller's JoinRoom, LeaveRoom or Typing, or the loop that sent it.
/// The sends are best effort: a member that misses one (its connection closed) catches up on its next join.
/// Faults: a send that fails is logged at Debug and dropped. It is a connection that closed meanwhile (aborted, or
/// closed by the send timeout, which drops its queued writes with it), not a server error. Cancelled sends are not
/// logged. Call from any thread.
/// </remarks>
internal static partial class FireAndForget
{
    public static void Observe(Task send, ILogger logger)
    {
        if (send.IsCompletedSuccessfully)
        {
            return;
        }

        send.ContinueWith(
            static (task, state) => LogSendFailed((ILogger)state!, task.Exception!),
            logger,
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    // Replaces event ids 10 (HubMessageDelivery, Warning) and 48 (PostgresHubLifetimeManager), which stay retired.
    [LoggerMessage(EventId = 11, Level = LogLevel.Debug, Message = "A send to a client failed (its connection closed meanwhile).")]
    private static partial void LogSendFailed(ILogger logger, Exception exception);
}
