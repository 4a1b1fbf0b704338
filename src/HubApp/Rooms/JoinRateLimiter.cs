using HubApp.Limits;

namespace HubApp.Rooms;

/// <summary>
/// Room joins per user, on this node: a token bucket of <see cref="Burst"/> joins, refilled at
/// <see cref="PerMinute"/> a minute, shared by all of the user's connections. A join costs a history read
/// from the store and, when presence changes, a UserJoined (and later a UserLeft) to every member of the
/// room; without this, a join/leave loop would spam rooms with presence events and the store with reads,
/// and the per-connection message limit does not cover JoinRoom.
/// </summary>
/// <remarks>
/// Constants, not settings: the contract fixes the configuration keys. The burst is four times
/// <c>Limits:MaxRoomsPerConnection</c>'s default (50): a client rejoining every room after a reconnect, even
/// twice in a row, or several tabs of one user after a server restart, are never refused. Only joins of a room
/// the connection has not joined count (see <see cref="RoomService.JoinAsync"/>). Called concurrently from
/// every connection; each user's bucket refills from the time elapsed when it is next used (<see cref="UserBuckets"/>:
/// no timer).
/// </remarks>
internal sealed class JoinRateLimiter(TimeProvider time)
{
    /// <summary>Joins a user may make at once.</summary>
    public const int Burst = 200;

    /// <summary>Joins a user may make per minute once the burst is spent.</summary>
    public const int PerMinute = 60;

    // One a second: PerMinute spread over the minute, as the framework's bucket had it.
    private readonly UserBuckets _buckets = new(PerMinute / 60, Burst, time);

    /// <summary>Takes one join from the user's allowance; false when it is spent.</summary>
    public bool TryAcquire(string userId) => _buckets.TryTake(userId);
}
