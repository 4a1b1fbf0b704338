using System.Threading.RateLimiting;

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
/// every connection; the partitioned limiter's one timer refills every bucket and drops buckets that stay full.
/// </remarks>
internal sealed class JoinRateLimiter : IDisposable
{
    /// <summary>Joins a user may make at once.</summary>
    public const int Burst = 200;

    /// <summary>Joins a user may make per minute once the burst is spent.</summary>
    public const int PerMinute = 60;

    private static readonly TokenBucketRateLimiterOptions Bucket = new()
    {
        TokenLimit = Burst,
        TokensPerPeriod = 1,
        ReplenishmentPeriod = TimeSpan.FromMinutes(1.0 / PerMinute),
        QueueLimit = 0,
        AutoReplenishment = false,
    };

    private readonly PartitionedRateLimiter<string> _limiter = PartitionedRateLimiter.Create<string, string>(
        userId => RateLimitPartition.GetTokenBucketLimiter(userId, _ => Bucket), StringComparer.Ordinal);

    /// <summary>Takes one join from the user's allowance; false when it is spent.</summary>
    public bool TryAcquire(string userId)
    {
        using var lease = _limiter.AttemptAcquire(userId);
        return lease.IsAcquired;
    }

    public void Dispose() => _limiter.Dispose();
}
