using Microsoft.Extensions.Logging.Abstractions;

namespace HubApp.Telemetry;

/// <summary>
/// Sees SignalR give up on a slow consumer. When one send to a connection waits past its
/// <c>TransportSendTimeout</c>, SignalR cancels the send, which closes the connection; the only trace of it is a
/// Trace-level line of <see cref="Category"/> (event <see cref="EventName"/>, carrying the connection id). No
/// meter, event counter or hub callback tells it apart from any other close. This logger provider receives that
/// category alone (the filter rules in <see cref="TelemetryExtensions"/> enable nothing else for it, whatever
/// the configured levels), and hands the connection to <see cref="ChatMetrics"/>, which counts it when the hub
/// sees the connection close.
/// </summary>
/// <remarks>Called from SignalR's heartbeat timer, concurrently with anything; does no I/O.</remarks>
internal sealed class SlowConsumerObserver(ChatMetrics metrics) : ILoggerProvider, ILogger
{
    /// <summary>SignalR's per-connection logger (<c>HttpConnectionManager</c> creates it for <c>HttpConnectionContext</c>).</summary>
    public const string Category = "Microsoft.AspNetCore.Http.Connections.Internal.HttpConnectionContext";

    public const string EventName = "TransportSendTimeout";

    private const string ConnectionIdField = "TransportConnectionId";

    public ILogger CreateLogger(string categoryName) => categoryName == Category ? this : NullLogger.Instance;

    public bool IsEnabled(LogLevel logLevel) => true;

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (eventId.Name != EventName || state is not IReadOnlyList<KeyValuePair<string, object?>> fields)
        {
            return;
        }

        foreach (var (key, value) in fields)
        {
            if (key == ConnectionIdField && value is string connectionId)
            {
                metrics.SendTimedOut(connectionId);
            }
        }
    }

    public void Dispose()
    {
    }
}
