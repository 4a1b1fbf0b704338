namespace HubApp.Contracts;

/// <summary>
/// The codes a refused invocation carries: the HubException message is "&lt;code&gt;: &lt;text&gt;"
/// (docs/protocol.md, "Error codes").
/// </summary>
public static class ErrorCodes
{
    public const string InvalidRoom = "invalid_room";
    public const string NotInRoom = "not_in_room";
    public const string InvalidMessage = "invalid_message";
    public const string MessageTooLong = "message_too_long";
    public const string TooManyRooms = "too_many_rooms";
    public const string InvalidUser = "invalid_user";
    public const string RateLimited = "rate_limited";
    public const string Unavailable = "unavailable";
    public const string TooManyConnections = "too_many_connections";

    /// <summary>The caller's role does not allow it: a private room, a ban, someone else's message, a moderator's target.</summary>
    public const string Forbidden = "forbidden";

    /// <summary>Sending in a room where the caller is muted.</summary>
    public const string Muted = "muted";

    /// <summary>A message id or room that does not exist (where its existence is not secret).</summary>
    public const string NotFound = "not_found";

    /// <summary><c>CreateRoom</c> with a name that is taken.</summary>
    public const string RoomExists = "room_exists";

    /// <summary>(v3) An upload over <c>Attachments:MaxBytes</c> (HTTP 413).</summary>
    public const string AttachmentTooLarge = "attachment_too_large";

    /// <summary>(v3) An empty upload or a bad file name (HTTP 415).</summary>
    public const string InvalidAttachment = "invalid_attachment";

    /// <summary>
    /// Finds the code in an error message as a client sees it, after SignalR's own prefix
    /// ("An unexpected error occurred invoking 'X' on the server. HubException: code: text"), or in a close.
    /// </summary>
    public static string? Find(string? message)
    {
        if (string.IsNullOrEmpty(message))
        {
            return null;
        }

        const string marker = "HubException: ";
        var start = message.LastIndexOf(marker, StringComparison.Ordinal);
        var rest = start >= 0 ? message[(start + marker.Length)..] : message;
        // The code starts the text, or follows SignalR's own words and a ": " (a close: "The server closed the
        // connection with the following error: code: text").
        for (var at = 0; at >= 0 && at < rest.Length; at = NextClause(rest, at))
        {
            var colon = rest.IndexOf(':', at);
            if (colon <= at)
            {
                return null;
            }

            var code = rest[at..colon];
            if (code.All(c => c is (>= 'a' and <= 'z') or '_'))
            {
                return code;
            }
        }

        return null;
    }

    private static int NextClause(string text, int from)
    {
        var next = text.IndexOf(": ", from, StringComparison.Ordinal);
        return next < 0 ? -1 : next + 2;
    }
}
