namespace HubApp.Contracts;

/// <summary>The events the server sends to clients (docs/protocol.md, "Server-to-client events").</summary>
public interface IChatClient
{
    Task MessageReceived(ChatMessage message);

    Task UserJoined(PresenceEvent presence);

    Task UserLeft(PresenceEvent presence);

    /// <summary>
    /// (v3, opt-in) The room's joins and leaves of the last 200 ms at most, in one event, instead of <c>UserJoined</c> and
    /// <c>UserLeft</c>: to connections that opted in (<see cref="PresenceModes"/>).
    /// </summary>
    Task PresenceChanged(PresenceBatch batch);

    Task UserTyping(TypingEvent typing);

    Task DirectMessageReceived(DirectMessage message);

    /// <summary>(v2) The user's read marker moved, on another of their connections.</summary>
    Task ReadMarkerMoved(ReadMarker marker);

    /// <summary>(v2) The user was made a member of a private room (<c>InviteToRoom</c>), on every connection of theirs.</summary>
    Task AddedToRoom(RoomInfo room);

    /// <summary>(v2) The connection no longer is in the room: kicked, banned, or the user left it for good.</summary>
    Task RemovedFromRoom(RoomRemoval removal);

    /// <summary>(v2) A room's topic, roles or mutes changed; to every connection joined to it.</summary>
    Task RoomUpdated(RoomInfo room);

    /// <summary>(v3) A room was put on the user's list (<c>JoinRoom</c> on another connection); to their other connections.</summary>
    Task RoomAdded(MyRoom room);

    /// <summary>
    /// (v3) A message of a room the user may read names them (<c>@userId</c>); on every connection of theirs, on every node,
    /// whether or not they joined the room.
    /// </summary>
    Task Mentioned(ChatMessage message);

    /// <summary>(v3) A room was taken off the user's list (left for good, kicked, banned); the argument is the room.</summary>
    Task RoomRemoved(string room);
}
