using MessagePack;

namespace HubApp.Contracts;

// The wire shapes of docs/protocol.md ("Shapes"). SignalR's JSON protocol writes them camelCase; the
// MessagePack protocol writes maps with the same camelCase keys (the Key attributes), since its default
// resolver would use the C# names. Timestamps are UTC DateTimes so that they serialize as ISO-8601 with a
// trailing "Z" in JSON and as the MessagePack timestamp extension.

/// <summary>
/// An entry of a room's log. <see cref="Id"/> strictly increases within a room. <see cref="Kind"/> is one of
/// <see cref="MessageKinds"/>; <see cref="TargetId"/> names the message an edit or delete applies to, and
/// <see cref="EditedAt"/> / <see cref="DeletedAt"/> are set on a stored target. The v2 fields come last, with
/// defaults, so that a v1 message reads as a plain <c>message</c> entry.
/// </summary>
[MessagePackObject]
public sealed partial record ChatMessage(
    [property: Key("id")] long Id,
    [property: Key("room")] string Room,
    [property: Key("userId")] string UserId,
    [property: Key("userName")] string UserName,
    [property: Key("text")] string Text,
    [property: Key("sentAt")] DateTime SentAt,
    [property: Key("kind")] string Kind = MessageKinds.Message,
    [property: Key("targetId")] long? TargetId = null,
    [property: Key("clientMessageId")] string? ClientMessageId = null,
    [property: Key("editedAt")] DateTime? EditedAt = null,
    [property: Key("deletedAt")] DateTime? DeletedAt = null,
    [property: Key("replyToId")] long? ReplyToId = null,
    [property: Key("threadId")] long? ThreadId = null,
    [property: Key("thread")] ThreadSummary? Thread = null,
    [property: Key("reactions")] IReadOnlyList<Reaction>? Reactions = null,
    [property: Key("mentions")] IReadOnlyList<string>? Mentions = null,
    [property: Key("attachments")] IReadOnlyList<Attachment>? Attachments = null);

/// <summary>
/// A message from one user to another, and (v3) an entry of their conversation's log: <see cref="Kind"/> is one of
/// <see cref="DirectMessageKinds"/>, <see cref="TargetId"/> names the message an edit, delete or reaction applies to,
/// and a stored target reads its current state (<see cref="EditedAt"/>, <see cref="DeletedAt"/>, <see cref="Reactions"/>).
/// </summary>
[MessagePackObject]
public sealed partial record DirectMessage(
    [property: Key("id")] long Id,
    [property: Key("fromUserId")] string FromUserId,
    [property: Key("fromUserName")] string FromUserName,
    [property: Key("toUserId")] string ToUserId,
    [property: Key("text")] string Text,
    [property: Key("sentAt")] DateTime SentAt,
    [property: Key("clientMessageId")] string? ClientMessageId = null,
    [property: Key("kind")] string Kind = MessageKinds.Message,
    [property: Key("targetId")] long? TargetId = null,
    [property: Key("editedAt")] DateTime? EditedAt = null,
    [property: Key("deletedAt")] DateTime? DeletedAt = null,
    [property: Key("replyToId")] long? ReplyToId = null,
    [property: Key("reactions")] IReadOnlyList<Reaction>? Reactions = null,
    [property: Key("attachments")] IReadOnlyList<Attachment>? Attachments = null);

/// <summary>
/// (v3) What <c>Post</c> and <c>PostDirect</c> send: the text, the idempotency key, the message it answers
/// (<see cref="ReplyToId"/>), the thread it belongs to (<see cref="ThreadId"/>, its root) and the uploads it carries.
/// </summary>
[MessagePackObject]
public sealed record Draft(
    [property: Key("text")] string Text,
    [property: Key("clientMessageId")] string? ClientMessageId = null,
    [property: Key("replyToId")] long? ReplyToId = null,
    [property: Key("threadId")] long? ThreadId = null,
    [property: Key("attachmentIds")] IReadOnlyList<string>? AttachmentIds = null);

/// <summary>(v3) A thread root's replies now: how many are not deleted, when the last was sent, and who took part (at most 20).</summary>
[MessagePackObject]
public sealed partial record ThreadSummary(
    [property: Key("replyCount")] int ReplyCount,
    [property: Key("lastReplyAt")] DateTime? LastReplyAt,
    [property: Key("participantIds")] IReadOnlyList<string> ParticipantIds);

/// <summary>(v3) One emoji on a message: how many users put it there, and who (at most 50 listed).</summary>
[MessagePackObject]
public sealed partial record Reaction(
    [property: Key("emoji")] string Emoji,
    [property: Key("count")] int Count,
    [property: Key("userIds")] IReadOnlyList<string> UserIds);

/// <summary>
/// (v3) An uploaded file as a message carries it: <see cref="ContentType"/> is what the server found in the bytes;
/// images have a size in pixels and a thumbnail.
/// </summary>
[MessagePackObject]
public sealed record Attachment(
    [property: Key("id")] string Id,
    [property: Key("name")] string Name,
    [property: Key("contentType")] string ContentType,
    [property: Key("size")] long Size,
    [property: Key("width")] int? Width,
    [property: Key("height")] int? Height,
    [property: Key("url")] string Url,
    [property: Key("thumbnailUrl")] string? ThumbnailUrl);

/// <summary>A user present in a room.</summary>
[MessagePackObject]
public sealed record Member(
    [property: Key("userId")] string UserId,
    [property: Key("userName")] string UserName);

/// <summary>
/// The answer to <c>JoinRoom</c>: who is present and the messages asked for. <see cref="LastReadId"/> is the
/// caller's read marker in the room (0 = none); <see cref="UnreadCount"/> counts the <c>message</c> entries by
/// others after it, at most 1000; (v3) <see cref="MentionCount"/> the caller's mentions among them, at most 1000.
/// </summary>
[MessagePackObject]
public sealed record RoomSnapshot(
    [property: Key("room")] string Room,
    [property: Key("members")] IReadOnlyList<Member> Members,
    [property: Key("messages")] IReadOnlyList<ChatMessage> Messages,
    [property: Key("complete")] bool Complete,
    [property: Key("lastReadId")] long LastReadId = 0,
    [property: Key("unreadCount")] int UnreadCount = 0,
    [property: Key("mentionCount")] int MentionCount = 0);

/// <summary>The argument of <c>UserJoined</c> and <c>UserLeft</c>.</summary>
[MessagePackObject]
public sealed record PresenceEvent(
    [property: Key("room")] string Room,
    [property: Key("userId")] string UserId,
    [property: Key("userName")] string UserName,
    [property: Key("at")] DateTime At);

/// <summary>
/// (v3, opt-in) The argument of <c>PresenceChanged</c>: who became present in the room, and who is no longer present, since
/// the room's previous batch to the connection, each user at most once, in the list of their state at the end of the window.
/// <see cref="At"/> is when the host sent it.
/// </summary>
[MessagePackObject]
public sealed record PresenceBatch(
    [property: Key("room")] string Room,
    [property: Key("joined")] IReadOnlyList<Member> Joined,
    [property: Key("left")] IReadOnlyList<Member> Left,
    [property: Key("at")] DateTime At);

/// <summary>The argument of <c>UserTyping</c>.</summary>
[MessagePackObject]
public sealed record TypingEvent(
    [property: Key("room")] string Room,
    [property: Key("userId")] string UserId,
    [property: Key("userName")] string UserName,
    [property: Key("isTyping")] bool IsTyping);

/// <summary>The answer to <c>SyncDirectMessages</c>: direct messages to or from the caller, oldest first.</summary>
[MessagePackObject]
public sealed record DirectSync(
    [property: Key("messages")] IReadOnlyList<DirectMessage> Messages,
    [property: Key("complete")] bool Complete);

/// <summary>One of the caller's direct conversations, as <c>GetConversations</c> lists them.</summary>
[MessagePackObject]
public sealed record Conversation(
    [property: Key("userId")] string UserId,
    [property: Key("userName")] string UserName,
    [property: Key("lastMessage")] DirectMessage LastMessage,
    [property: Key("lastReadId")] long LastReadId,
    [property: Key("unreadCount")] int UnreadCount);

/// <summary>
/// The argument of <c>ReadMarkerMoved</c>: the caller's marker moved in <see cref="Room"/>, or in the conversation
/// with <see cref="UserId"/> (the other user); exactly one of the two is set.
/// </summary>
[MessagePackObject]
public sealed record ReadMarker(
    [property: Key("room")] string? Room,
    [property: Key("userId")] string? UserId,
    [property: Key("lastReadId")] long LastReadId);

/// <summary>
/// (v2) A room as the directory lists it (<c>ListRooms</c>, <c>GET /api/rooms</c>): <see cref="Present"/> users now,
/// <see cref="LatestId"/> its newest entry (0 when empty), <see cref="LastActivityAt"/> when that entry was sent.
/// </summary>
[MessagePackObject]
public sealed record RoomSummary(
    [property: Key("room")] string Room,
    [property: Key("kind")] string Kind,
    [property: Key("topic")] string? Topic,
    [property: Key("present")] int Present,
    [property: Key("latestId")] long LatestId,
    [property: Key("lastActivityAt")] DateTime? LastActivityAt);

/// <summary>(v2) A room's kind, owner, topic and (for created rooms) members with their roles; members empty for open rooms.</summary>
[MessagePackObject]
public sealed record RoomInfo(
    [property: Key("room")] string Room,
    [property: Key("kind")] string Kind,
    [property: Key("topic")] string? Topic,
    [property: Key("ownerId")] string? OwnerId,
    [property: Key("members")] IReadOnlyList<RoomMember> Members,
    [property: Key("createdAt")] DateTime? CreatedAt);

/// <summary>(v2) A member of a created room; a muted-forever member has a far-future <see cref="MutedUntil"/>.</summary>
[MessagePackObject]
public sealed record RoomMember(
    [property: Key("userId")] string UserId,
    [property: Key("userName")] string UserName,
    [property: Key("role")] string Role,
    [property: Key("mutedUntil")] DateTime? MutedUntil);

/// <summary>(v2) The argument of <c>RemovedFromRoom</c>: why (one of <see cref="RemovalReasons"/>), by whom, until when (bans).</summary>
[MessagePackObject]
public sealed record RoomRemoval(
    [property: Key("room")] string Room,
    [property: Key("reason")] string Reason,
    [property: Key("byUserId")] string? ByUserId,
    [property: Key("until")] DateTime? Until);

/// <summary>
/// (v3) One of the caller's rooms (<c>GetMyRooms</c>, <c>RoomAdded</c>): the room as the directory shows it, with the
/// caller's read marker, the <c>message</c> entries by others after it and the caller's mentions among them (each at most 1000).
/// </summary>
[MessagePackObject]
public sealed record MyRoom(
    [property: Key("room")] string Room,
    [property: Key("kind")] string Kind,
    [property: Key("topic")] string? Topic,
    [property: Key("latestId")] long LatestId,
    [property: Key("lastActivityAt")] DateTime? LastActivityAt,
    [property: Key("lastReadId")] long LastReadId,
    [property: Key("unreadCount")] int UnreadCount,
    [property: Key("mentionCount")] int MentionCount);

/// <summary>(v3) A ban in force (<c>GetBans</c>): until when (null: until lifted), by whom (null: not known) and since when.</summary>
[MessagePackObject]
public sealed record RoomBan(
    [property: Key("userId")] string UserId,
    [property: Key("until")] DateTime? Until,
    [property: Key("byUserId")] string? ByUserId,
    [property: Key("at")] DateTime At);
