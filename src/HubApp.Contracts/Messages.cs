using MessagePack;

namespace HubApp.Contracts;

// The wire shapes of shared/contract.md ("Shapes"). SignalR's JSON protocol writes them camelCase; the
// MessagePack protocol writes maps with the same camelCase keys (the Key attributes), since its default
// resolver would use the C# names. Timestamps are UTC DateTimes so that they serialize as ISO-8601 with a
// trailing "Z" in JSON and as the MessagePack timestamp extension.

/// <summary>A message stored in a room's history. <see cref="Id"/> strictly increases within a room.</summary>
[MessagePackObject]
public sealed record ChatMessage(
    [property: Key("id")] long Id,
    [property: Key("room")] string Room,
    [property: Key("userId")] string UserId,
    [property: Key("userName")] string UserName,
    [property: Key("text")] string Text,
    [property: Key("sentAt")] DateTime SentAt);

/// <summary>A message from one user to another.</summary>
[MessagePackObject]
public sealed record DirectMessage(
    [property: Key("id")] long Id,
    [property: Key("fromUserId")] string FromUserId,
    [property: Key("fromUserName")] string FromUserName,
    [property: Key("toUserId")] string ToUserId,
    [property: Key("text")] string Text,
    [property: Key("sentAt")] DateTime SentAt);

/// <summary>A user present in a room.</summary>
[MessagePackObject]
public sealed record Member(
    [property: Key("userId")] string UserId,
    [property: Key("userName")] string UserName);

/// <summary>The answer to <c>JoinRoom</c>: who is present and the messages asked for.</summary>
[MessagePackObject]
public sealed record RoomSnapshot(
    [property: Key("room")] string Room,
    [property: Key("members")] IReadOnlyList<Member> Members,
    [property: Key("messages")] IReadOnlyList<ChatMessage> Messages,
    [property: Key("complete")] bool Complete);

/// <summary>The argument of <c>UserJoined</c> and <c>UserLeft</c>.</summary>
[MessagePackObject]
public sealed record PresenceEvent(
    [property: Key("room")] string Room,
    [property: Key("userId")] string UserId,
    [property: Key("userName")] string UserName,
    [property: Key("at")] DateTime At);

/// <summary>The argument of <c>UserTyping</c>.</summary>
[MessagePackObject]
public sealed record TypingEvent(
    [property: Key("room")] string Room,
    [property: Key("userId")] string UserId,
    [property: Key("userName")] string UserName,
    [property: Key("isTyping")] bool IsTyping);
