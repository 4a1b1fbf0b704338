using System.Threading.RateLimiting;
using HubApp.Auth;
using HubApp.Errors;
using HubApp.Limits;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace HubApp.Api;

/// <summary>
/// The API's allowance for posts: the framework's rate limiter, one token bucket per user (the token's <c>sub</c>) with
/// the hub's per-connection numbers, <c>Limits:MessagesPerSecond</c> and burst <c>Limits:Burst</c>. The buckets are the
/// API's own, as its callers hold no connection. A refused post is a 429 <c>rate_limited</c> with <c>Retry-After</c>,
/// and reaches no one.
/// </summary>
internal static class ApiRateLimit
{
    /// <summary>The rate limiter policy over posts.</summary>
    public const string PostPolicy = "chat-api-post";

    public static void Configure(RateLimiterOptions limiter)
    {
        limiter.AddPolicy(PostPolicy, PerUserBucket);
        limiter.OnRejected = RejectAsync;
    }

    private static RateLimitPartition<string> PerUserBucket(HttpContext context)
    {
        var limits = context.RequestServices.GetRequiredService<IOptions<LimitsOptions>>().Value;
        return RateLimitPartition.GetTokenBucketLimiter(context.User.UserId() ?? string.Empty, _ => TokenBuckets.PerSecond(limits.MessagesPerSecond, limits.Burst));
    }

    private static async ValueTask RejectAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var context = rejected.HttpContext;
        RetryAfter.Set(rejected);
        var perSecond = context.RequestServices.GetRequiredService<IOptions<LimitsOptions>>().Value.MessagesPerSecond;
        await context.RequestServices.GetRequiredService<ApiRefusals>().Refuse(context, ChatErrors.RateLimited(perSecond)).ExecuteAsync(context);
    }
}
