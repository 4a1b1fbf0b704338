namespace HubApp.Configuration;

/// <summary>
/// The host's logger factory, but for SignalR's "Failed writing message" when the write failed only because its
/// connection was closed under it: that is logged as a Warning without the stack trace instead of an Error.
/// </summary>
/// <remarks>
/// SignalR's <c>HubConnectionContext</c> logs every write that ends in an exception at Error (event
/// <see cref="EventName"/>), a cancellation included. A write is cancelled when its connection goes while the write
/// waits: a client that stops reading (closed as a slow consumer), or one that opted into stateful reconnect and never
/// acknowledges, so the server's buffer for it stays full, until the connection is dropped. Each such client left an
/// Error with a stack trace per waiting write: client misbehaviour, never a server fault. Only that one case is
/// rewritten (same category, event and message, so filters and dashboards still find it); any other failed write
/// stays an Error with its exception. Levels configured for the category still apply: the rewritten entry is
/// logged, at Warning, through the category's own logger.
/// </remarks>
internal sealed class CanceledWriteLogging(ILoggerFactory inner) : ILoggerFactory
{
    /// <summary>The category of SignalR's per-connection log.</summary>
    public const string Category = "Microsoft.AspNetCore.SignalR.HubConnectionContext";

    public const string EventName = "FailedWritingMessage";

    public ILogger CreateLogger(string categoryName)
    {
        var logger = inner.CreateLogger(categoryName);
        return categoryName == Category ? new Rewriting(logger) : logger;
    }

    public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

    public void Dispose() => inner.Dispose();

    private sealed class Rewriting(ILogger logger) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => logger.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => logger.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel >= LogLevel.Error && eventId.Name == EventName && exception is OperationCanceledException)
            {
                logger.Log(LogLevel.Warning, eventId, state, null, formatter);
                return;
            }

            logger.Log(logLevel, eventId, state, exception, formatter);
        }
    }
}
