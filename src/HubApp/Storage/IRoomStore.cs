namespace HubApp.Storage;

/// <summary>
/// Created rooms (<c>CreateRoom</c>): kind, owner, topic, creation time, the members with their roles, and the bans and
/// mutes with their optional end. Rooms nobody created (open rooms) have no row here.
/// </summary>
/// <remarks>
/// Called concurrently from every connection, on every node; a store that cannot answer throws
/// <see cref="StoreUnavailableException"/>. Each method is one statement or one transaction, so a crash leaves a change
/// whole or not at all. Nodes cache what <see cref="GetRoomAsync"/> returns and drop it when told of a change.
/// </remarks>
public interface IRoomStore
{
    /// <summary>The room as stored: created (with owner and members) or open (kind <c>open</c>, no owner, no members), with its bans and mutes either way.</summary>
    Task<StoredRoom> GetRoomAsync(string room, CancellationToken cancellationToken);

    /// <summary>
    /// Creates the room with its owner as member, unless the name is taken (<see cref="RoomCreation.Taken"/>: created
    /// already, or an open room with messages, unless <paramref name="claimOpen"/>: an admin claims it) or the owner is past
    /// the room's <see cref="NewRoom.Quota"/>. The quota is counted in the same transaction as the insert, one creation of
    /// an owner at a time, so it holds exactly for creations at once on any connections and nodes.
    /// </summary>
    Task<RoomCreation> CreateRoomAsync(NewRoom room, bool claimOpen, CancellationToken cancellationToken);

    Task SetTopicAsync(string room, string? topic, CancellationToken cancellationToken);

    /// <summary>
    /// Makes the user a member, unless they are one already: then their role stays as it is. A join or an invite is
    /// decided on a cached copy of the room, which may not yet show a role given on another node; roles change only
    /// through <see cref="SetRoleAsync"/>.
    /// </summary>
    Task AddMemberAsync(string room, string userId, string userName, CancellationToken cancellationToken);

    /// <summary>
    /// In one transaction, decided on the room as the change before left it: gives <paramref name="userId"/>
    /// <paramref name="role"/> while <paramref name="byOwnerId"/> still owns the room (null: an admin, who always may) and
    /// <paramref name="userId"/> is not its owner. <c>owner</c> hands the room over: whoever held that role becomes a
    /// moderator. False, and nothing changed, when the room is no longer as the caller saw it (another hand-over won).
    /// </summary>
    /// <remarks>
    /// The check and the change are one conditional update of the room's row: PostgreSQL makes a second hand-over wait for
    /// the first's row lock and then tests the row the first left, and SQLite runs one writer at a time, so two hand-overs
    /// at once, on any nodes, leave one owner.
    /// </remarks>
    Task<bool> SetRoleAsync(string room, string? byOwnerId, string userId, string userName, string role, CancellationToken cancellationToken);

    Task RemoveMemberAsync(string room, string userId, CancellationToken cancellationToken);

    /// <summary>
    /// Bans or mutes the user (<paramref name="kind"/>) until <paramref name="until"/> (forever when null), as set by
    /// <paramref name="byUserId"/> at <paramref name="at"/>; a ban also ends the membership.
    /// </summary>
    Task SetSanctionAsync(string room, string userId, SanctionKind kind, DateTime? until, string? byUserId, DateTime at, CancellationToken cancellationToken);

    Task RemoveSanctionAsync(string room, string userId, SanctionKind kind, CancellationToken cancellationToken);

    /// <summary>
    /// The directory's rows: open rooms with messages, public rooms, and private rooms that <paramref name="userId"/> is a
    /// member of (every one when <paramref name="allPrivate"/>), whose name or topic contains <paramref name="query"/>
    /// (lowercase; all when null), most recently active first, at most <paramref name="limit"/>.
    /// </summary>
    Task<IReadOnlyList<RoomListing>> ListRoomsAsync(string userId, bool allPrivate, string? query, int limit, CancellationToken cancellationToken);
}

/// <summary>A room to create, with its owner, and the owner's quota (null: none, for admins).</summary>
public sealed record NewRoom(string Name, string Kind, string? Topic, string OwnerId, string OwnerName, DateTime CreatedAt, RoomQuota? Quota = null);

/// <summary>How many rooms an owner may have created in the hour before <see cref="NewRoom.CreatedAt"/>, and own at all.</summary>
public sealed record RoomQuota(int PerHour, int MaxOwned);

public enum RoomCreation
{
    Created = 1,

    /// <summary>The name is taken.</summary>
    Taken = 2,

    /// <summary>The owner made <see cref="RoomQuota.PerHour"/> rooms in the last hour already.</summary>
    HourlyAllowanceSpent = 3,

    /// <summary>The owner owns <see cref="RoomQuota.MaxOwned"/> rooms already.</summary>
    TooManyOwned = 4,
}

/// <summary>
/// A room as stored. <see cref="Kind"/> is a RoomKinds value; an open room has no owner, creation time or members.
/// <see cref="LatestId"/>: its newest entry's id (0 when it has none), when read.
/// </summary>
public sealed record StoredRoom(
    string Name,
    string Kind,
    string? OwnerId,
    string? Topic,
    DateTime? CreatedAt,
    IReadOnlyList<StoredMember> Members,
    IReadOnlyList<StoredSanction> Sanctions,
    long LatestId)
{
    public static StoredRoom Open(string name, IReadOnlyList<StoredSanction> sanctions, long latestId) =>
        new(name, Contracts.RoomKinds.Open, null, null, null, [], sanctions, latestId);
}

public sealed record StoredMember(string UserId, string UserName, string Role);

/// <summary>
/// A ban or a mute; <see cref="Until"/> null: until lifted. <see cref="ByUserId"/> and <see cref="At"/>: who set it and when
/// (a sanction stored before they were kept: by nobody known, at the store's upgrade).
/// </summary>
public sealed record StoredSanction(string UserId, SanctionKind Kind, DateTime? Until, string? ByUserId = null, DateTime At = default);

public enum SanctionKind
{
    Ban = 1,
    Mute = 2,
}

/// <summary>A directory row: <see cref="Kind"/> is a RoomKinds value; <see cref="LatestId"/> 0 for a room without messages.</summary>
public sealed record RoomListing(string Name, string Kind, string? Topic, long LatestId, DateTime? LastActivityAt);
