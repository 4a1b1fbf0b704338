using System.Text.RegularExpressions;

namespace HubApp.Testing;

/// <summary>
/// The errors ASP.NET Core itself logs that a test does not count against the app, for the in-process host's captured
/// logs and for a host process's console alike. Any other error fails the test.
/// </summary>
internal static partial class KnownFrameworkErrors
{
    private const string HubConnectionContext = "Microsoft.AspNetCore.SignalR.HubConnectionContext";

    /// <summary>Whether an error of <paramref name="category"/> with <paramref name="exception"/> (its ToString) is one of them.</summary>
    public static bool IsKnown(string category, string exception) =>
        category == HubConnectionContext && (IsStatefulReconnectFlushRace(exception) || IsStatefulReconnectWriteCanceled(exception));

    /// <summary>
    /// The same for a line of the simple console format on one line (<c>fail: Category[id] message exception</c>), where the
    /// exception starts at one of the message's " System." (the line is tried from each).
    /// </summary>
    public static bool IsKnownLine(string line)
    {
        var match = ConsoleLine().Match(line);
        if (!match.Success)
        {
            return false;
        }

        var (category, rest) = (match.Groups["category"].Value, match.Groups["rest"].Value);
        for (var at = rest.IndexOf(" System.", StringComparison.Ordinal); at >= 0; at = rest.IndexOf(" System.", at + 1, StringComparison.Ordinal))
        {
            if (IsKnown(category, rest[(at + 1)..]))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// A race inside SignalR's stateful-reconnect MessageBuffer (ASP.NET Core 10): it awaits a write's flush outside
    /// its lock, so when a client stops reading (a drop the server holds open for a reconnect, or a slow reader) and
    /// its outgoing pipe is full, the once-a-second acknowledgement flush can overlap it, and the Pipe refuses two
    /// pending flushes (the error surfaces in the write or in the ack timer, whichever flushed second). SignalR logs it
    /// as an error and closes the connection with allowReconnect; the client reconnects and catches up from the room
    /// log, which the soak tests check message by message. Not ours to fix,
    /// so not counted against the app; any other write failure still is.
    /// </summary>
    private static bool IsStatefulReconnectFlushRace(string exception) =>
        exception.StartsWith("System.InvalidOperationException: Concurrent reads or writes are not supported.", StringComparison.Ordinal)
        && exception.Contains("Microsoft.AspNetCore.SignalR.Internal.MessageBuffer.", StringComparison.Ordinal);

    /// <summary>
    /// A write waiting for room in the stateful-reconnect buffer (the client has not acknowledged 1 MB yet) when its
    /// connection is aborted: SignalR cancels the wait and logs "Failed writing message" as an error, though the
    /// connection is already going (as TaskCanceledException or OperationCanceledException, depending on where the wait
    /// was). Tests that abort connections under load (the soak) or close a slow consumer provoke it; the client catches
    /// up from the room log. A write failing in any other way still counts.
    /// </summary>
    private static bool IsStatefulReconnectWriteCanceled(string exception) =>
        (exception.StartsWith("System.Threading.Tasks.TaskCanceledException:", StringComparison.Ordinal)
            || exception.StartsWith("System.OperationCanceledException:", StringComparison.Ordinal))
        && exception.Contains("Microsoft.AspNetCore.SignalR.Internal.MessageBuffer.WriteAsyncCore", StringComparison.Ordinal);

    [GeneratedRegex(@"^(fail|crit): (?<category>[^\[\s]+)\[\d+\] (?<rest>.*)$")]
    private static partial Regex ConsoleLine();
}
