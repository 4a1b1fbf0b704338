namespace HubApp.Storage;

/// <summary>
/// Each user's list of rooms (contract v3, "Your rooms"): JoinRoom puts a room on it; leaving for good, a kick or a ban
/// take it off. Kept with the rooms, so the list is the same on every node and after a restart.
/// </summary>
/// <remarks>Called concurrently from every connection, on every node; a store that cannot answer throws <see cref="StoreUnavailableException"/>.</remarks>
public interface IUserRoomStore
{
    /// <summary>
    /// Puts <paramref name="room"/> on the user's list unless it is there already or the list holds <paramref name="max"/>
    /// rooms. The cap is decided by the insert itself; two adds at once on two nodes may each see one place left, so a
    /// list may end up one or two over it, never more than the concurrent adds.
    /// </summary>
    Task<UserRoomAddition> AddUserRoomAsync(string userId, string room, int max, DateTime at, CancellationToken cancellationToken);

    /// <summary>Takes the room off the user's list; false when it was not on it.</summary>
    Task<bool> RemoveUserRoomAsync(string userId, string room, CancellationToken cancellationToken);

    /// <summary>
    /// The user's rooms (only <paramref name="room"/>, when given) with the user's marker, unread count and mention count
    /// (each at most <paramref name="maxUnread"/>), most recently active first (a room without messages: by when it was added), at most
    /// <paramref name="limit"/>.
    /// </summary>
    Task<IReadOnlyList<UserRoomRow>> GetUserRoomsAsync(string userId, string? room, int limit, int maxUnread, CancellationToken cancellationToken);
}

public enum UserRoomAddition
{
    Added = 1,
    AlreadyListed = 2,
    ListFull = 3,
}

/// <summary>A room of a user's list: <see cref="Kind"/> a RoomKinds value, <see cref="LatestId"/> 0 for a room without messages.</summary>
public sealed record UserRoomRow(string Room, string Kind, string? Topic, long LatestId, DateTime? LastActivityAt, long LastReadId, int UnreadCount, int MentionCount);
