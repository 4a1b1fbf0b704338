using HubApp.Contracts;
using HubApp.Errors;
using HubApp.Presence;
using HubApp.Storage;

namespace HubApp.Rooms;

/// <summary>
/// Every decision of who may do what in a room, in one place: the hub, the HTTP API, <c>/stats</c> and the directory
/// ask it, and nothing else checks roles. Open rooms (nobody created them): anyone reads and posts, admins moderate.
/// Created rooms: public ones anyone reads and posts, private ones only their members; owners and moderators moderate,
/// owners set roles; moderators cannot act on the owner or on other moderators. Banned users read nothing, muted ones
/// post nothing, until the end time passes or the sanction is lifted. Admins count as owners everywhere.
/// </summary>
/// <remarks>
/// Decisions are made on this node's copy of the room (<see cref="RoomStateCache"/>), kept coherent across nodes by the
/// room-change notices; bans and mutes are compared with <see cref="TimeProvider"/>'s clock at each call, so one expires
/// by itself. A private room refuses everyone who may not read it with the same words but for its name
/// (<see cref="ChatErrors.RoomForbidden"/>): nothing else of it can be learned. Called concurrently from every connection.
/// </remarks>
internal sealed class RoomAuthorization(RoomStateCache cache, TimeProvider time)
{
    /// <summary>What <see cref="RoomMember.MutedUntil"/> says of a mute without an end.</summary>
    public static readonly DateTime Forever = new(9999, 12, 31, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>Refuses with <c>forbidden</c> a caller who may not read <paramref name="room"/> (join it, its history, members, marker).</summary>
    public async Task RequireReadableAsync(ChatCaller caller, string room, CancellationToken cancellationToken) => await RequireReaderAsync(caller, room, cancellationToken);

    /// <summary>As <see cref="RequireReadableAsync"/>, answering the caller's rights in the room.</summary>
    public async ValueTask<RoomRights> RequireReaderAsync(ChatCaller caller, string room, CancellationToken cancellationToken) =>
        Reader(await RightsAsync(caller, room, cancellationToken), room);

    /// <summary>
    /// Refuses with <c>forbidden</c> or <c>muted</c> a caller who may not post in <paramref name="room"/>. On a cached room
    /// it completes at once, with no async layer: every message passes here.
    /// </summary>
    public ValueTask RequirePostableAsync(ChatCaller caller, string room, CancellationToken cancellationToken)
    {
        var rights = RightsAsync(caller, room, cancellationToken);
        if (rights.IsCompletedSuccessfully)
        {
            Poster(rights.Result, room);
            return ValueTask.CompletedTask;
        }

        return AwaitPosterAsync(rights, room);

        static async ValueTask AwaitPosterAsync(ValueTask<RoomRights> rights, string room) => Poster(await rights, room);
    }

    private static RoomRights Reader(RoomRights rights, string room) => rights.CanRead ? rights : throw ChatErrors.RoomForbidden(room);

    private static void Poster(RoomRights rights, string room)
    {
        if (Reader(rights, room).MutedUntil is not null)
        {
            throw ChatErrors.Muted(room);
        }
    }

    /// <summary>
    /// As <see cref="RequireReadableAsync"/>, answering whether the caller may also post there (not muted): for what a mute
    /// drops rather than refuses (typing).
    /// </summary>
    public async Task<bool> RequireReaderMayPostAsync(ChatCaller caller, string room, CancellationToken cancellationToken) =>
        await RequireReaderAsync(caller, room, cancellationToken) is { MutedUntil: null };

    /// <summary>Whether the caller may read <paramref name="room"/>: what <c>/stats</c> and the directory show them.</summary>
    public async Task<bool> CanReadAsync(ChatCaller caller, string room, CancellationToken cancellationToken) =>
        (await RightsAsync(caller, room, cancellationToken)).CanRead;

    /// <summary>
    /// The room, when the caller moderates it (owner, moderator, admin); refused with <c>forbidden</c> otherwise, with the
    /// private room's refusal for a caller who may not read it.
    /// </summary>
    public Task<RoomRights> RequireModeratorAsync(ChatCaller caller, string room, CancellationToken cancellationToken) =>
        RequireAsync(caller, room, r => r.Moderates, "the owner or a moderator", cancellationToken);

    /// <summary>The room, when the caller owns it (or is an admin); refused with <c>forbidden</c> otherwise.</summary>
    public Task<RoomRights> RequireOwnerAsync(ChatCaller caller, string room, CancellationToken cancellationToken) =>
        RequireAsync(caller, room, r => r.Owns, "the owner", cancellationToken);

    /// <summary>
    /// The room, when the caller moderates it and may act on <paramref name="targetUserId"/> (kick, ban, mute and their
    /// reverses): nobody acts on the owner, and a moderator not on another moderator.
    /// </summary>
    public async Task<RoomRights> RequireCanActOnAsync(ChatCaller caller, string room, string targetUserId, CancellationToken cancellationToken)
    {
        var rights = await RequireModeratorAsync(caller, room, cancellationToken);
        var target = rights.RoleOf(targetUserId);
        if (target == RoomRoles.Owner || (target == RoomRoles.Moderator && !rights.Owns))
        {
            throw ChatErrors.Forbidden($"a {target} of '{room}' cannot be acted on by you.");
        }

        return rights;
    }

    private async Task<RoomRights> RequireAsync(ChatCaller caller, string room, Func<RoomRights, bool> allowed, string who, CancellationToken cancellationToken)
    {
        var rights = await RightsAsync(caller, room, cancellationToken);
        return rights switch
        {
            { CanRead: false } => throw ChatErrors.RoomForbidden(room),
            _ when !allowed(rights) => throw ChatErrors.Forbidden($"only {who} of '{room}' may do that."),
            _ => rights,
        };
    }

    /// <summary>The caller's rights in <paramref name="room"/>, now; at once (no async layer) on a cached room.</summary>
    public ValueTask<RoomRights> RightsAsync(ChatCaller caller, string room, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentException.ThrowIfNullOrEmpty(room);
        var load = cache.GetAsync(room, cancellationToken);
        return load.IsCompletedSuccessfully ? new(RoomRights.Of(caller, load.Result, Now)) : LoadAsync(caller, load);
    }

    private DateTime Now => time.GetUtcNow().UtcDateTime;

    private async ValueTask<RoomRights> LoadAsync(ChatCaller caller, Task<StoredRoom> load) => RoomRights.Of(caller, await load, Now);
}

/// <summary>
/// A caller's standing in one room at one moment: <see cref="Role"/> (null for none), whether they read, moderate and own
/// it, and the end of a mute in force (<see cref="RoomAuthorization.Forever"/> for none).
/// </summary>
internal sealed record RoomRights(StoredRoom Room, string? Role, bool CanRead, bool Moderates, bool Owns, DateTime? MutedUntil, DateTime Now)
{
    public static RoomRights Of(ChatCaller caller, StoredRoom room, DateTime now)
    {
        var role = MemberRole(room, caller.UserId);
        var banned = !caller.IsAdmin && SanctionInForce(room, caller.UserId, SanctionKind.Ban, now) is not null;
        var owns = caller.IsAdmin || role == RoomRoles.Owner;
        var moderates = owns || role == RoomRoles.Moderator;
        var canRead = !banned && (caller.IsAdmin || room.Kind != RoomKinds.Private || role is not null);
        var muted = caller.IsAdmin ? null : SanctionInForce(room, caller.UserId, SanctionKind.Mute, now);
        return new RoomRights(room, role, canRead, moderates, owns, muted, now);
    }

    /// <summary>The end of <paramref name="userId"/>'s sanction of that kind in force at <paramref name="now"/> (<see cref="RoomAuthorization.Forever"/> without one); null when none is.</summary>
    /// <remarks>Loops rather than LINQ over a lambda: this runs on every message, and each lambda here would be a closure.</remarks>
    public static DateTime? SanctionInForce(StoredRoom room, string userId, SanctionKind kind, DateTime now)
    {
        foreach (var s in room.Sanctions)
        {
            if (s.UserId == userId && s.Kind == kind && (s.Until is null || s.Until > now))
            {
                return s.Until ?? RoomAuthorization.Forever;
            }
        }

        return null;
    }

    public string? RoleOf(string userId) => Room.OwnerId == userId ? RoomRoles.Owner : MemberRole(Room, userId);

    private static string? MemberRole(StoredRoom room, string userId)
    {
        foreach (var member in room.Members)
        {
            if (member.UserId == userId)
            {
                return member.Role;
            }
        }

        return null;
    }
}
