using System.Threading.RateLimiting;

namespace HubApp.Limits;

/// <summary>The token buckets of every allowance (hub methods, the HTTP API, negotiations): refilled once a second.</summary>
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
}
