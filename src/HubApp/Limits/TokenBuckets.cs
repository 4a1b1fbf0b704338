using System.Threading.RateLimiting;

namespace HubApp.Limits;

/// <summary>
/// The token buckets of the framework's rate limiter (the HTTP API, negotiations): refilled once a second. The hub's own
/// allowances are <see cref="RefillingBucket"/>s, which need no timer.
/// </summary>
internal static class TokenBuckets
{
    /// <summary>
    /// <paramref name="burst"/> at once, then <paramref name="perSecond"/> a second; no queue (a refusal is at once). The
    /// partitioned limiter's one timer refills every bucket (AutoReplenishment off) and drops those left full.
    /// </summary>
    public static TokenBucketRateLimiterOptions PerSecond(int perSecond, int burst) => new()
    {
        TokenLimit = burst,
        TokensPerPeriod = perSecond,
        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
        QueueLimit = 0,
        AutoReplenishment = false,
    };

    /// <summary>
    /// <paramref name="perMinute"/> at once, then one token every minute / <paramref name="perMinute"/>: an allowance counted
    /// in minutes (uploads), refilled by the same timer as <see cref="PerSecond"/>.
    /// </summary>
    public static TokenBucketRateLimiterOptions PerMinute(int perMinute) => new()
    {
        TokenLimit = perMinute,
        TokensPerPeriod = 1,
        ReplenishmentPeriod = TimeSpan.FromMinutes(1) / perMinute,
        QueueLimit = 0,
        AutoReplenishment = false,
    };
}
