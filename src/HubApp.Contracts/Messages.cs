namespace HubApp.Contracts;

// The wire shapes of shared/contract.md ("Shapes"). SignalR's JSON protocol writes them camelCase.
// Timestamps are UTC DateTimes so that they serialize as ISO-8601 with a trailing "Z".

/// <summary>A message stored in a room's history. <see cref="Id"/> strictly increases within a room.</summary>
public sealed record ChatMessage(long Id, string Room, string UserId, string UserName, string Text, DateTime SentAt);

/// <summary>A message from one user to another.</summary>
public sealed record DirectMessage(long Id, string FromUserId, string FromUserName, string ToUserId, string Text, DateTime SentAt);

/// <summary>A user present in a room.</summary>
public sealed record Member(string UserId, string UserName);

/// <summary>The answer to <c>JoinRoom</c>: who is present and the messages asked for.</summary>
public sealed record RoomSnapshot(string Room, IReadOnlyList<Member> Members, IReadOnlyList<ChatMessage> Messages, bool Complete);

/// <summary>The argument of <c>UserJoined</c> and <c>UserLeft</c>.</summary>
public sealed record PresenceEvent(string Room, string UserId, string UserName, DateTime At);

/// <summary>The argument of <c>UserTyping</c>.</summary>
public sealed record TypingEvent(string Room, string UserId, string UserName, bool IsTyping);
