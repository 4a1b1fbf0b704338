using HubApp.Contracts;

namespace HubApp.Errors;

/// <summary>Refusals as the contract words them: its code and the text that follows it ("code: text").</summary>
internal static class ChatErrors
{
    public static ChatRefusedException InvalidRoom() =>
        Create(ErrorCodes.InvalidRoom, "room names are 1–64 characters: a letter or digit, then letters, digits, '_', '-' or '.'.");

    public static ChatRefusedException NotInRoom(string room) => Create(ErrorCodes.NotInRoom, $"join '{room}' first.");

    public static ChatRefusedException InvalidMessage() => Create(ErrorCodes.InvalidMessage, "the message is empty.");

    /// <summary>A malformed argument other than a text (a visibility, role, topic or time); <paramref name="text"/> says what it must be.</summary>
    public static ChatRefusedException InvalidArgument(string text) => Create(ErrorCodes.InvalidMessage, text);

    public static ChatRefusedException InvalidClientMessageId(int max) =>
        Create(ErrorCodes.InvalidMessage, $"a client message id is 1–{max} characters: letters, digits, '_' or '-'.");

    /// <summary>An HTTP API history page asked with both ends, or a limit out of range.</summary>
    public static ChatRefusedException InvalidPage(int maxLimit) =>
        Create(ErrorCodes.InvalidMessage, $"give beforeId or afterId, not both, and a limit of 1–{maxLimit}.");

    /// <summary>An HTTP API body that is not a JSON object of the contract's shape.</summary>
    public static ChatRefusedException InvalidBody() =>
        Create(ErrorCodes.InvalidMessage, "the body is a JSON object {\"text\": \"…\", \"clientMessageId\": \"…\"} (application/json).");

    /// <summary>An HTTP API body over <paramref name="maxBytes"/>: no valid message is that large.</summary>
    public static ChatRefusedException BodyTooLarge(long maxBytes) => Create(ErrorCodes.MessageTooLong, $"the body is over {maxBytes} bytes.");

    public static ChatRefusedException MessageTooLong(int max) => Create(ErrorCodes.MessageTooLong, $"messages are at most {max} characters.");

    public static ChatRefusedException TooManyRooms(int max) => Create(ErrorCodes.TooManyRooms, $"a connection may join at most {max} rooms.");

    public static ChatRefusedException TooManyRoomsListed(int max) =>
        Create(ErrorCodes.TooManyRooms, $"a user's list holds at most {max} rooms; leave one for good first.");

    public static ChatRefusedException InvalidUser() => Create(ErrorCodes.InvalidUser, "the user id is empty or malformed.");

    public static ChatRefusedException RateLimited(int perSecond) => Create(ErrorCodes.RateLimited, $"at most {perSecond} messages per second; nothing was delivered.");

    public static ChatRefusedException TypingRateLimited(int perSecond) => Create(ErrorCodes.RateLimited, $"at most {perSecond} typing notices per second; nothing was delivered.");

    public static ChatRefusedException ReadMarkersRateLimited(int perSecond) => Create(ErrorCodes.RateLimited, $"at most {perSecond} read-marker moves per second; the marker did not move.");

    public static ChatRefusedException RoomChangesRateLimited(int perSecond) => Create(ErrorCodes.RateLimited, $"at most {perSecond} room changes per second; nothing was changed.");

    public static ChatRefusedException ReadsRateLimited(int perSecond) =>
        Create(ErrorCodes.RateLimited, $"too many reads; at most {perSecond} a second once the burst is spent.");

    public static ChatRefusedException ReadsQueueFull(int waiting) =>
        Create(ErrorCodes.RateLimited, $"too many reads at once; at most {waiting} may wait their turn.");

    public static ChatRefusedException NegotiationsRateLimited(int perSecond) =>
        Create(ErrorCodes.RateLimited, $"too many negotiations; at most {perSecond} a second once the burst is spent.");

    public static ChatRefusedException JoinsRateLimited(int perMinute) => Create(ErrorCodes.RateLimited, $"too many room joins; at most {perMinute} a minute once the burst is spent.");

    /// <summary>The store (or the shared presence) failed; what was asked of it did not happen.</summary>
    public static ChatRefusedException Unavailable(Exception? cause = null) =>
        new(ErrorCodes.Unavailable, "the message store cannot take messages now; nothing was stored or delivered, retry later.", cause);

    public static ChatRefusedException TooManyConnections(int max) => Create(ErrorCodes.TooManyConnections, $"a user may hold at most {max} connections.");

    public static ChatRefusedException TooManyEventStreams(int max) => Create(ErrorCodes.RateLimited, $"a user may hold at most {max} event streams open at once.");

    public static ChatRefusedException EventStreamsFull() => Create(ErrorCodes.Unavailable, "this node holds as many event streams as it may; retry later or on another node.");

    /// <summary>
    /// A room the caller may not read (private, not a member; or banned). The same words for every such room but its
    /// name: nothing of the room (topic, owner, members, size) may be learned from it.
    /// </summary>
    public static ChatRefusedException RoomForbidden(string room) => Create(ErrorCodes.Forbidden, $"you may not enter '{room}'.");

    /// <summary>An action the caller's role does not allow; <paramref name="text"/> says which (no secret in it).</summary>
    public static ChatRefusedException Forbidden(string text) => Create(ErrorCodes.Forbidden, text);

    public static ChatRefusedException Muted(string room) => Create(ErrorCodes.Muted, $"you are muted in '{room}'; nothing was delivered.");

    public static ChatRefusedException MessageNotFound(string room, long messageId) =>
        Create(ErrorCodes.NotFound, $"'{room}' has no message {messageId}.");

    /// <summary>Not a message of a conversation of the caller's: the same words whether it exists elsewhere or not.</summary>
    public static ChatRefusedException DirectMessageNotFound(long messageId) =>
        Create(ErrorCodes.NotFound, $"none of your conversations has a message {messageId}.");

    /// <summary>
    /// A draft naming uploads the caller cannot use there: none has that id, it is another's or for another room or
    /// conversation, or a message uses it already. The same words for each, so that nothing of others' uploads is learned.
    /// </summary>
    public static ChatRefusedException AttachmentNotFound() =>
        Create(ErrorCodes.NotFound, "an attachment id names no unused upload of yours for this room or conversation.");

    /// <summary>A download the caller may not have: the same answer for an unknown id, another's upload and a deleted message's file.</summary>
    public static ChatRefusedException FileNotFound() => Create(ErrorCodes.NotFound, "there is no file with that id that you may read.");

    /// <summary>An upload over <c>Attachments:MaxBytes</c>, refused as soon as that is known.</summary>
    public static ChatRefusedException AttachmentTooLarge(long maxBytes) =>
        Create(ErrorCodes.AttachmentTooLarge, $"a file is at most {maxBytes} bytes; nothing was stored.");

    /// <summary>An upload that cannot be stored as it is: <paramref name="why"/> says what is wrong with it.</summary>
    public static ChatRefusedException InvalidAttachment(string why) => Create(ErrorCodes.InvalidAttachment, why);

    public static ChatRefusedException UploadsRateLimited(int perMinute) =>
        Create(ErrorCodes.RateLimited, $"at most {perMinute} uploads a minute; nothing was stored.");

    public static ChatRefusedException UnusedUploadsFull(long maxBytes) =>
        Create(ErrorCodes.RateLimited, $"at most {maxBytes} bytes of uploads may wait for a message; post or let some expire. Nothing was stored.");

    public static ChatRefusedException InvalidEmoji() =>
        Create(ErrorCodes.InvalidMessage, "an emoji is 1 to 32 UTF-16 code units with no white space or control characters.");

    public static ChatRefusedException TooManyReactionKinds(long messageId, int max) =>
        Create(ErrorCodes.InvalidMessage, $"message {messageId} has {max} different reactions, the most a message may have.");
    /// <summary>A post whose parent or thread root is not a message of the room that can take it (missing, deleted, an edit, a thread reply as root).</summary>
    public static ChatRefusedException PostTargetNotFound(string room, long? replyToId, long? threadId) =>
        Create(ErrorCodes.NotFound, (replyToId, threadId) switch
        {
            ({ } parent, { } root) => $"'{room}' has no message {parent} to answer, or no thread {root} to join.",
            ({ } parent, null) => $"'{room}' has no message {parent} to answer.",
            _ => $"'{room}' has no thread {threadId} to join (a thread root is a message that is no thread reply).",
        });

    public static ChatRefusedException RoomNotFound(string room) => Create(ErrorCodes.NotFound, $"there is no room '{room}'.");

    public static ChatRefusedException RoomExists(string room) => Create(ErrorCodes.RoomExists, $"the name '{room}' is taken.");

    public static ChatRefusedException RoomsCreatedRateLimited(int perHour) =>
        Create(ErrorCodes.RateLimited, $"at most {perHour} rooms created an hour; nothing was created.");

    public static ChatRefusedException TooManyRoomsOwned(int max) =>
        Create(ErrorCodes.Forbidden, $"you own {max} rooms, the most one user may; hand one over before creating another.");

    private static ChatRefusedException Create(string code, string text) => new(code, text);
}
