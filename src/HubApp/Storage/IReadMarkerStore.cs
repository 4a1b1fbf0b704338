namespace HubApp.Storage;

/// <summary>
/// Read markers, one per user and room and per user and conversation. A marker only moves forward and never past the
/// newest id of its room or conversation; moves from any number of nodes at once keep that (the store decides, in one
/// conditional statement, not a read then a write).
/// </summary>
/// <remarks>Called concurrently from every connection; a store that cannot answer throws <see cref="StoreUnavailableException"/>.</remarks>
public interface IReadMarkerStore
{
    /// <summary>Moves the user's marker in the room to <paramref name="messageId"/>, clamped to the room's newest id; the new marker, or null when it did not move.</summary>
    Task<long?> MoveRoomMarkerAsync(string userId, string room, long messageId, CancellationToken cancellationToken);

    /// <summary>As <see cref="MoveRoomMarkerAsync"/>, in the conversation with <paramref name="otherUserId"/>.</summary>
    Task<long?> MoveDirectMarkerAsync(string userId, string otherUserId, long messageId, CancellationToken cancellationToken);

    /// <summary>
    /// The user's marker in the room (0 = none), the messages of others after it and the user's mentions among them, each
    /// at most <paramref name="maxUnread"/>.
    /// </summary>
    Task<RoomReadState> GetRoomReadStateAsync(string userId, string room, int maxUnread, CancellationToken cancellationToken);
}

/// <summary>A user's read state in a room: marker, unread messages by others, mentions of the user among them.</summary>
public sealed record RoomReadState(long LastReadId, int UnreadCount, int MentionCount = 0);
